import { type LimitTable, parseLimitTable } from "./limits";

/** Server-wide settings of the simulator; per-request markers override the timing ones. */
export interface SimulatorOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** Interface to bind. Loopback by default: the simulator has no real authentication. @default "127.0.0.1" */
  host?: string;
  /** Delay before the response headers, in ms. @default 0 */
  latencyMs?: number;
  /** Delay between message_start and the first content delta, in ms. @default 0 */
  ttftMs?: number;
  /** Output pacing in tokens per second; 0 writes the whole answer in one go. @default 0 */
  tokensPerSecond?: number;
  /** Natural answer length range in tokens, picked per request by its hash. @default [20, 120] */
  answerTokens?: readonly [number, number];
  /** About how many tokens one content_block_delta carries. @default 4 */
  tokensPerDelta?: number;
  /** Answer 400 when `anthropic-version` is missing, as the real API does. @default true */
  requireVersionHeader?: boolean;
  /** Largest accepted request body; larger ones get 413 request_too_large. @default 33554432 (32 MiB) */
  maxBodyBytes?: number;
  /**
   * Per-model rate limits, `{"<model>" | "*": {rpm, itpm, otpm}}`; also settable at run time with
   * `POST /_sim/limits`. Unset dimensions are effectively unlimited. @default {}
   */
  limits?: LimitTable;
  /** The clock of rate limits and prompt-cache TTLs (tests inject one). @default Date.now */
  now?: () => number;
}

export type ResolvedSimulatorOptions = Required<SimulatorOptions>;

export function resolveOptions(options: SimulatorOptions = {}): ResolvedSimulatorOptions {
  const answerTokens = options.answerTokens ?? [20, 120];
  if (!(answerTokens[0] >= 1 && answerTokens[1] >= answerTokens[0])) {
    throw new RangeError("answerTokens must be [min, max] with 1 <= min <= max");
  }
  return {
    port: options.port ?? 0,
    host: options.host ?? "127.0.0.1",
    latencyMs: options.latencyMs ?? 0,
    ttftMs: options.ttftMs ?? 0,
    tokensPerSecond: options.tokensPerSecond ?? 0,
    answerTokens,
    tokensPerDelta: options.tokensPerDelta ?? 4,
    requireVersionHeader: options.requireVersionHeader ?? true,
    maxBodyBytes: options.maxBodyBytes ?? 32 * 1024 * 1024,
    limits: parseLimitTable(options.limits ?? {}),
    now: options.now ?? Date.now,
  };
}
