import "server-only";

export { createBudgetAlerts, type BudgetAlerts, type BudgetWebhookEvent } from "./budget-alerts";
export { type BudgetCounter, createMemoryBudgetCounter } from "./budget-counter";
export { type BudgetGuard, type Reservation, createBudgetGuard } from "./budget-guard";
export { type BudgetRule, type CallParty } from "./budget-rules";
export type { BudgetView } from "./budget-view";
export { createBudget, deleteBudget, getBudgetOrThrow, listBudgets, updateBudget } from "./budgets";
export { estimateCallUsd } from "./estimate";
export { recordedSpendUsd } from "./recorded-spend";
export { createPostgresBudgetCounter } from "./postgres-budget-counter";
export { createRedisBudgetCounter } from "./redis-budget-counter";
export { createBudgetSchema, updateBudgetSchema } from "./schemas";
export { budgetWindow } from "./windows";
export { BudgetTicket } from "./call-ticket";
