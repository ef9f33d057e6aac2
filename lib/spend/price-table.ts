import type { PriceOverride } from "@/lib/config/model-prices";
import type { TokenUsage } from "@/lib/llm/usage";
import prices from "./prices.json";

/** US dollars per million tokens of each class. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

export interface PriceTable {
  /** The price of `model`: the longest matching id prefix, else the fallback (never zero). */
  priceOf(model: string): ModelPrice;
  /** What a call cost in US dollars; `batch` for Message Batches calls (discounted). */
  cost(model: string, usage: TokenUsage, options?: { batch?: boolean }): number;
}

/** Anthropic's cache rates as multiples of the input rate, for configured prices that omit them. */
const complete = (p: PriceOverride): ModelPrice => ({
  input: p.input,
  output: p.output,
  cacheWrite5m: p.cacheWrite5m ?? p.input * 1.25,
  cacheWrite1h: p.cacheWrite1h ?? p.input * 2,
  cacheRead: p.cacheRead ?? p.input * 0.1,
});

/** Each token class at its own rate, in US dollars. */
export function costOf(price: ModelPrice, usage: TokenUsage): number {
  return (
    (usage.inputTokens * price.input +
      usage.outputTokens * price.output +
      usage.cacheWrite5mTokens * price.cacheWrite5m +
      usage.cacheWrite1hTokens * price.cacheWrite1h +
      usage.cacheReadTokens * price.cacheRead) /
    1_000_000
  );
}

/** The built-in table (prices.json) with configured prices over it; `*` replaces the fallback. */
export function createPriceTable(
  overrides: Readonly<Record<string, PriceOverride>> = {},
): PriceTable {
  const byPrefix = new Map<string, ModelPrice>(Object.entries(prices.models));
  let fallback: ModelPrice = prices.fallback;
  for (const [model, price] of Object.entries(overrides)) {
    if (model === "*") fallback = complete(price);
    else byPrefix.set(model.toLowerCase(), complete(price));
  }
  // Longest first, so claude-opus-4-5 wins over claude-opus-4.
  const entries = [...byPrefix].sort(([a], [b]) => b.length - a.length);
  const priceOf = (model: string): ModelPrice => {
    const name = model.toLowerCase();
    return entries.find(([prefix]) => name.startsWith(prefix))?.[1] ?? fallback;
  };
  // The batch discount covers every class, cache reads and writes included.
  const batchFactor = 1 - prices.batchDiscount;
  return {
    priceOf,
    cost: (model, usage, options = {}) =>
      costOf(priceOf(model), usage) * (options.batch ? batchFactor : 1),
  };
}
