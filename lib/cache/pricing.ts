import { createPriceTable } from "@/lib/spend/price-table";
import prices from "@/lib/spend/prices.json";

/** US dollars per million tokens. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

/**
 * Input and output list prices by model-id prefix, from the one price table (lib/spend/prices.json).
 * For estimates that have only input and output counts (the cache's "cost saved", live stats);
 * what a call really cost, prompt-cache tokens included, is lib/spend's to say.
 */
export const MODEL_PRICES: readonly (readonly [prefix: string, price: ModelPrice])[] =
  Object.entries(prices.models).map(([prefix, p]) => [
    prefix,
    { inputPerMTok: p.input, outputPerMTok: p.output },
  ]);

/** For anything unrecognised (simulator models included): a mid-tier price, not zero. */
export const FALLBACK_PRICE: ModelPrice = {
  inputPerMTok: prices.fallback.input,
  outputPerMTok: prices.fallback.output,
};

const table = createPriceTable();

export function priceFor(model: string): ModelPrice {
  const price = table.priceOf(model);
  return { inputPerMTok: price.input, outputPerMTok: price.output };
}

/** Estimated list price of a call, in US dollars. */
export function estimateCostUsd(model: string, inputTokens: number, outputTokens: number): number {
  const price = priceFor(model);
  return (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000;
}
