import "server-only";
import { emptyUsage, foldUsage, type TokenUsage, type WireUsage } from "@/lib/llm/usage";
import { callCostUsd } from "@/lib/spend";
import type { CallSpend } from "./call-spend";

const RESULTS_PATH = /^\/v1\/messages\/batches\/[^/]+\/results$/;

/**
 * Whether a pass-through path is a Message Batch's results (JSONL, one line per request): the
 * one place a batch's usage is told, and so where the gateway meters what the batch cost.
 */
export const isBatchResultsPath = (path: string): boolean => RESULTS_PATH.test(path);

/** One line of a batch's results, as far as spend is concerned. */
interface ResultLine {
  result?: { type?: string; message?: { model?: unknown; usage?: WireUsage } };
}

/**
 * Reads the usage of a batch's results as they stream past, line by line, per model (a batch may
 * mix models). Only succeeded requests are billed; errored, cancelled and expired ones are not.
 */
export class BatchUsageScan {
  readonly byModel = new Map<string, TokenUsage>();
  #decoder = new TextDecoder();
  #partial = "";

  push(chunk: Uint8Array): void {
    const text = this.#partial + this.#decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    this.#partial = lines.pop() ?? "";
    for (const line of lines) this.#line(line);
  }

  end(): void {
    this.#line(this.#partial + this.#decoder.decode());
    this.#partial = "";
  }

  #line(line: string): void {
    if (line.trim() === "") return;
    let parsed: ResultLine;
    try {
      parsed = JSON.parse(line) as ResultLine;
    } catch {
      return; // not a result line: nothing billed that it says
    }
    const message = parsed.result?.type === "succeeded" ? parsed.result.message : undefined;
    if (!message || typeof message.model !== "string") return;
    const one = emptyUsage();
    foldUsage(one, message.usage);
    const sum = this.byModel.get(message.model) ?? emptyUsage();
    for (const k of Object.keys(sum) as (keyof TokenUsage)[]) sum[k] += one[k];
    this.byModel.set(message.model, sum);
  }

  /**
   * The batch's tokens and cost at each model's batch price; the model named is the one with the
   * most tokens (the log row has one model column; the cost counts every model at its own price).
   */
  spend(): (CallSpend & { model: string | null }) | null {
    if (this.byModel.size === 0) return null;
    const total: CallSpend & { model: string | null } = {
      model: null,
      inputTokens: 0,
      outputTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      cacheReadTokens: 0,
      costUsd: 0,
      savedUsd: 0,
    };
    let most = -1;
    for (const [model, usage] of this.byModel) {
      const tokens = usage.inputTokens + usage.outputTokens;
      if (tokens > most) [most, total.model] = [tokens, model];
      total.inputTokens += usage.inputTokens;
      total.outputTokens += usage.outputTokens;
      total.cacheWrite5mTokens += usage.cacheWrite5mTokens;
      total.cacheWrite1hTokens += usage.cacheWrite1hTokens;
      total.cacheReadTokens += usage.cacheReadTokens;
      total.costUsd += callCostUsd(model, usage, { batch: true });
    }
    return total;
  }
}
