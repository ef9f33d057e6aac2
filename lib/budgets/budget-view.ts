/**
 * GET /api/budgets → { budgets: BudgetView[], timeZone }. Imports nothing server-side: the
 * banner and the Spend page take it with `import type`.
 */
export interface BudgetView {
  id: string;
  scope: "team" | "key" | "agent";
  targetId: string;
  /** The key's or agent's name (the team's for team budgets); null once it is deleted. */
  targetLabel: string | null;
  period: "day" | "month";
  limitUsd: number;
  softLimitPercent: number;
  /** The current window (the zone's calendar day or month) and what was spent in it. */
  window: { key: string; start: string; end: string };
  spentUsd: number;
  /** ok: under the soft threshold; soft: at or over it; exceeded: at or over the limit. */
  state: "ok" | "soft" | "exceeded";
  createdAt: string;
  updatedAt: string;
}
