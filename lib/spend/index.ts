import "server-only";
import { getConfig } from "@/lib/config";
import type { TokenUsage } from "@/lib/llm/usage";
import { createPriceTable, type PriceTable } from "./price-table";

export { costOf, createPriceTable, type ModelPrice, type PriceTable } from "./price-table";

let table: PriceTable | undefined;

/** The process's price table: the built-in prices with MODEL_PRICES over them. */
export function priceTable(): PriceTable {
  table ??= createPriceTable(getConfig().MODEL_PRICES);
  return table;
}

/** What one upstream call cost, in US dollars, at the configured prices. */
export function callCostUsd(
  model: string,
  usage: TokenUsage,
  options: { batch?: boolean } = {},
): number {
  return priceTable().cost(model, usage, options);
}
