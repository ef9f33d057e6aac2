import "server-only";
import { priceTable } from "@/lib/spend";

/** Output tokens assumed when a request does not say (the API requires max_tokens anyway). */
const DEFAULT_MAX_TOKENS = 4096;

/**
 * What a call may cost at most, roughly, before it is made: its input at about 4 bytes a token
 * (the request's JSON, an overestimate for text) and all of max_tokens as output. It is only a
 * reservation: the call is settled at what it really cost.
 */
export function estimateCallUsd(model: string, requestBytes: number, maxTokens: unknown): number {
  const price = priceTable().priceOf(model);
  const output =
    typeof maxTokens === "number" && Number.isFinite(maxTokens) && maxTokens > 0
      ? maxTokens
      : DEFAULT_MAX_TOKENS;
  return (Math.ceil(requestBytes / 4) * price.input + output * price.output) / 1_000_000;
}
