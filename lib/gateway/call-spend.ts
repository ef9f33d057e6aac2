import "server-only";
import { emptyUsage, foldUsage, type TokenUsage, type WireUsage } from "@/lib/llm/usage";
import { callCostUsd } from "@/lib/spend";
import type { GatewayRequestRow } from "./request-log";

/** What the request log keeps of a call's usage and cost. */
export interface CallSpend {
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  savedUsd: number;
}

const MARK = "event: message_";

/**
 * Reads the usage out of an answer as it passes, without parsing the frames that carry text:
 * only message_start and message_delta frames say what was billed. A frame's event line starts
 * the text or follows a newline; JSON data cannot hold a raw newline, so text cannot fake one.
 */
export class UsageTap {
  readonly usage: TokenUsage = emptyUsage();
  seen = false;

  /** One or more whole SSE frames (a hit replays the whole stream as one piece). */
  frames(text: string): void {
    for (let at = text.indexOf(MARK); at !== -1; at = text.indexOf(MARK, at + MARK.length)) {
      if (at !== 0 && text[at - 1] !== "\n") continue;
      const end = text.indexOf("\n\n", at);
      const frame = text.slice(at, end === -1 ? undefined : end);
      const data = frame.indexOf("\ndata:");
      if (data === -1) continue;
      this.#read(frame.startsWith("event: message_start"), frame.slice(data + 6));
    }
  }

  /** A whole JSON answer (a non-streamed message). */
  json(text: string): void {
    try {
      const parsed = JSON.parse(text) as { type?: unknown; usage?: WireUsage } | null;
      if (parsed?.type !== "message") return;
      foldUsage(this.usage, parsed.usage);
      this.seen = true;
    } catch {
      // Not JSON: nothing was billed that the answer says.
    }
  }

  #read(start: boolean, json: string): void {
    try {
      const data = JSON.parse(json) as { message?: { usage?: WireUsage }; usage?: WireUsage };
      foldUsage(this.usage, start ? data.message?.usage : data.usage);
      this.seen = true;
    } catch {
      // A malformed frame is the upstream's to answer for; its usage is simply not known.
    }
  }
}

/**
 * The log row's usage and cost: a call answered upstream costs its price; an answer served from
 * the response cache (or shared with a call in flight) costs nothing and saved that price.
 * count_tokens is free, and `fallback` (the cache's own counts) stands in when no usage was seen.
 */
export function callSpend(
  tap: UsageTap,
  ctx: {
    model: string;
    endpoint: "messages" | "count_tokens";
    servedFromCache: boolean;
    fallback: { inputTokens: number; outputTokens: number } | undefined;
  },
): CallSpend {
  const usage = tap.seen ? tap.usage : { ...emptyUsage(), ...ctx.fallback };
  const price = ctx.endpoint === "messages" ? callCostUsd(ctx.model, usage) : 0;
  return {
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cacheWrite5mTokens: usage.cacheWrite5mTokens,
    cacheWrite1hTokens: usage.cacheWrite1hTokens,
    cacheReadTokens: usage.cacheReadTokens,
    costUsd: ctx.servedFromCache ? 0 : price,
    savedUsd: ctx.servedFromCache ? price : 0,
  };
}

/** The path a cache-warming call is logged under (it has no API key: spend groups it apart). */
export const WARM_PATH = "/cache/warm";

/** A cache-warming call as a request-log row, priced like any gateway call. */
export function warmCallRow(call: {
  teamId: string;
  model: string;
  cacheStatus: string | null;
  usage: TokenUsage;
  latencyMs: number;
}): GatewayRequestRow {
  const tap = new UsageTap();
  Object.assign(tap.usage, call.usage);
  tap.seen = true;
  const served = ["hit-memory", "hit-db", "coalesced"].includes(call.cacheStatus ?? "");
  return {
    teamId: call.teamId,
    apiKeyId: null,
    path: WARM_PATH,
    model: call.model,
    stream: true,
    status: 200,
    cacheStatus: call.cacheStatus,
    latencyMs: call.latencyMs,
    createdAt: new Date(),
    ...callSpend(tap, {
      model: call.model,
      endpoint: "messages",
      servedFromCache: served,
      fallback: undefined,
    }),
  };
}
