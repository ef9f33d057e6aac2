/** Reads of GET /api/budgets (the Spend page's budgets and the over-budget banner). */
import type { BudgetView } from "@/lib/budgets/budget-view";
import { fetchJson } from "./fetch-json";

export const BUDGETS_KEY = ["budgets"] as const;

export function getBudgets() {
  return fetchJson<{ budgets: BudgetView[]; timeZone: string }>("/api/budgets");
}
