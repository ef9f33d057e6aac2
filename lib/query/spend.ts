/** The Spend page's reads over GET /api/spend. */
import type { SpendReport } from "@/lib/spend/spend-view";
import { fetchJson } from "./fetch-json";

export const SPEND_KEY = ["spend"] as const;
export type SpendBy = SpendReport["by"];

/** The last `days` days up to now, grouped `by`. */
export function getSpend(by: SpendBy, days: number) {
  const to = new Date();
  const from = new Date(to.getTime() - days * 86_400_000);
  const params = new URLSearchParams({ by, from: from.toISOString(), to: to.toISOString() });
  return fetchJson<SpendReport>(`/api/spend?${params}`);
}
