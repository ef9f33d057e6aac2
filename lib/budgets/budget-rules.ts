import type { BudgetPeriod } from "./windows";

/** A budget as enforcement reads it. */
export interface BudgetRule {
  id: string;
  teamId: string;
  scope: "team" | "key" | "agent";
  targetId: string;
  period: BudgetPeriod;
  limitUsd: number;
  softLimitPercent: number;
}

/** Who a model call is made for: every budget on any of them applies. */
export interface CallParty {
  teamId: string;
  /** The gateway key that made the call (none for runs and warming). */
  apiKeyId?: string | null;
  /** The agent whose step made the call (none for gateway calls). */
  agentId?: string | null;
}

/** The team's budgets that limit a call of `party`. */
export function applicableBudgets(rules: readonly BudgetRule[], party: CallParty): BudgetRule[] {
  return rules.filter(
    (b) =>
      b.scope === "team" ||
      (b.scope === "key" && party.apiKeyId != null && b.targetId === party.apiKeyId) ||
      (b.scope === "agent" && party.agentId != null && b.targetId === party.agentId),
  );
}

const SCOPE_WORDS = { team: "team's", key: "API key's", agent: "agent's" } as const;
const PERIOD_WORDS = { day: "daily", month: "monthly" } as const;

/** How a refusal names a budget, e.g. "the API key's daily budget of $5.00 (bdg_…)". */
export function describeBudget(b: BudgetRule): string {
  return `the ${SCOPE_WORDS[b.scope]} ${PERIOD_WORDS[b.period]} budget of $${formatUsd(b.limitUsd)} (${b.id})`;
}

export function formatUsd(usd: number): string {
  return usd >= 1 ? usd.toFixed(2) : String(Number(usd.toPrecision(3)));
}
