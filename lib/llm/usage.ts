/**
 * What one model call consumed, in the five token classes Anthropic bills separately. Prompt-cache
 * writes are split by TTL because a 1-hour write costs more than a 5-minute one.
 */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  cacheReadTokens: number;
}

export const emptyUsage = (): TokenUsage => ({
  inputTokens: 0,
  outputTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  cacheReadTokens: 0,
});

/** A `usage` object as the API sends it (message_start, message_delta, or a whole message). */
export interface WireUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation?: {
    ephemeral_5m_input_tokens?: number | null;
    ephemeral_1h_input_tokens?: number | null;
  } | null;
}

const count = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;

/**
 * Folds a usage object into `into`. Usage in message_delta is cumulative for the message, so a
 * field that is present replaces; one that is absent keeps what message_start said. Without the
 * `cache_creation` breakdown every cache write is a 5-minute one (the API's default TTL).
 */
export function foldUsage(into: TokenUsage, wire: WireUsage | null | undefined): void {
  if (typeof wire !== "object" || wire === null) return;
  into.inputTokens = count(wire.input_tokens) ?? into.inputTokens;
  into.outputTokens = count(wire.output_tokens) ?? into.outputTokens;
  into.cacheReadTokens = count(wire.cache_read_input_tokens) ?? into.cacheReadTokens;
  const split = wire.cache_creation;
  const fiveMinutes = count(split?.ephemeral_5m_input_tokens);
  const oneHour = count(split?.ephemeral_1h_input_tokens);
  if (fiveMinutes !== undefined || oneHour !== undefined) {
    into.cacheWrite5mTokens = fiveMinutes ?? 0;
    into.cacheWrite1hTokens = oneHour ?? 0;
    return;
  }
  const written = count(wire.cache_creation_input_tokens);
  if (written !== undefined) {
    into.cacheWrite5mTokens = written;
    into.cacheWrite1hTokens = 0;
  }
}

/** Adds `more` to `into`, class by class (the usage of several calls). */
export function addUsage(into: TokenUsage, more: TokenUsage): void {
  into.inputTokens += more.inputTokens;
  into.outputTokens += more.outputTokens;
  into.cacheWrite5mTokens += more.cacheWrite5mTokens;
  into.cacheWrite1hTokens += more.cacheWrite1hTokens;
  into.cacheReadTokens += more.cacheReadTokens;
}

/** Cache-write tokens of both TTLs. */
export const cacheWriteTokens = (u: TokenUsage): number =>
  u.cacheWrite5mTokens + u.cacheWrite1hTokens;
