/** US dollars per million tokens. */
export interface ModelPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

/**
 * List prices by model-name prefix, most specific first; the first match wins. Estimates for the
 * "cost saved" figure only (no prompt-cache or batch discounts): never bill from them.
 */
export const MODEL_PRICES: readonly (readonly [prefix: string, price: ModelPrice])[] = [
  // Opus 4.5 and later dropped to a third of the Opus 4 / 4.1 price.
  ["claude-opus-4-5", { inputPerMTok: 5, outputPerMTok: 25 }],
  ["claude-opus-4-6", { inputPerMTok: 5, outputPerMTok: 25 }],
  ["claude-opus-4-7", { inputPerMTok: 5, outputPerMTok: 25 }],
  ["claude-opus-4-8", { inputPerMTok: 5, outputPerMTok: 25 }],
  ["claude-opus-4", { inputPerMTok: 15, outputPerMTok: 75 }],
  ["claude-sonnet-4", { inputPerMTok: 3, outputPerMTok: 15 }],
  ["claude-haiku-4", { inputPerMTok: 1, outputPerMTok: 5 }],
  ["claude-3-7-sonnet", { inputPerMTok: 3, outputPerMTok: 15 }],
  ["claude-3-5-sonnet", { inputPerMTok: 3, outputPerMTok: 15 }],
  ["claude-3-5-haiku", { inputPerMTok: 0.8, outputPerMTok: 4 }],
  ["claude-3-haiku", { inputPerMTok: 0.25, outputPerMTok: 1.25 }],
];

/** By family, for models newer than the table (e.g. claude-sonnet-5): the latest known tier price. */
const FAMILY_PRICES: readonly (readonly [family: string, price: ModelPrice])[] = [
  ["opus", { inputPerMTok: 5, outputPerMTok: 25 }],
  ["sonnet", { inputPerMTok: 3, outputPerMTok: 15 }],
  ["haiku", { inputPerMTok: 1, outputPerMTok: 5 }],
];

/** For anything unrecognised (simulator models included): a mid-tier price, not zero. */
export const FALLBACK_PRICE: ModelPrice = { inputPerMTok: 3, outputPerMTok: 15 };

export function priceFor(model: string): ModelPrice {
  const name = model.toLowerCase();
  for (const [prefix, price] of MODEL_PRICES) if (name.startsWith(prefix)) return price;
  for (const [family, price] of FAMILY_PRICES) if (name.includes(family)) return price;
  return FALLBACK_PRICE;
}

/** Estimated list price of a call, in US dollars. */
export function estimateCostUsd(model: string, inputTokens: number, outputTokens: number): number {
  const price = priceFor(model);
  return (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000;
}
