import "server-only";
import { addUsage, emptyUsage, foldUsage, type TokenUsage, type WireUsage } from "@/lib/llm/usage";
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
    addUsage(sum, one);
    this.byModel.set(message.model, sum);
  }

  /**
   * The batch's tokens and cost at each model's batch price; the model named is the one with the
   * most tokens (the log row has one model column; the cost counts every model at its own price).
   */
  spend(): (CallSpend & { model: string | null }) | null {
    if (this.byModel.size === 0) return null;
    const total = emptyUsage();
    let model: string | null = null;
    let most = -1;
    let costUsd = 0;
    for (const [name, usage] of this.byModel) {
      const tokens = usage.inputTokens + usage.outputTokens;
      if (tokens > most) [most, model] = [tokens, name];
      addUsage(total, usage);
      costUsd += callCostUsd(name, usage, { batch: true });
    }
    return { model, ...total, costUsd, savedUsd: 0 };
  }
}
