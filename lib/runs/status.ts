/**
 * Run and step status vocabulary every layer shares: the server's queries, the live view, the
 * e2e suite. Pure and import-free, so the browser bundle can take it.
 */
import type { RunStatus, StepStatus } from "./run-view";

/** A run in one of these has ended and will not change again. */
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = [
  "succeeded",
  "partial",
  "failed",
  "cancelled",
  "interrupted",
];

/** A run in one of these may still change (the history polls them). */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ["queued", "running"];

export function isFinished(status: RunStatus): boolean {
  return FINISHED_RUN_STATUSES.includes(status);
}

/** How a model call can be answered without an upstream call of its own. */
export const SERVED_FROM_CACHE = ["hit-memory", "hit-db", "coalesced"] as const;

/** True when the call was answered from the cache (memory or database) or joined one in flight. */
export function isServedFromCache(cacheStatus: string | null | undefined): boolean {
  return (SERVED_FROM_CACHE as readonly string[]).includes(cacheStatus ?? "");
}

/** Every run status, in lifecycle order (the history's filter accepts exactly these). */
export const RUN_STATUSES = [
  "queued",
  "running",
  "succeeded",
  "partial",
  "failed",
  "cancelled",
  "interrupted",
] as const satisfies readonly RunStatus[];

/** A step in one of these has ended and will not change again. */
export const FINISHED_STEP_STATUSES: readonly StepStatus[] = [
  "succeeded",
  "failed",
  "cancelled",
  "skipped",
];

export function isStepFinished(status: StepStatus): boolean {
  return FINISHED_STEP_STATUSES.includes(status);
}
