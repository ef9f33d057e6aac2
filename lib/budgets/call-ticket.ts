import "server-only";
import type { BudgetGuard, Reservation } from "./budget-guard";
import type { CallParty } from "./budget-rules";

/**
 * One client call's budget step, for callers whose upstream is reached through a function they
 * hand on (the gateway hands its upstream to the cache, which calls it only on a miss):
 * `around(upstream)` reserves before the upstream call; `settle(cost)` settles once with the cost
 * the call is recorded at (0 when it failed, was refused, or was served from the cache).
 */
export class BudgetTicket {
  #reservation: Promise<Reservation> | undefined;
  #settled = false;

  constructor(
    private readonly guard: BudgetGuard,
    private readonly party: CallParty,
    private readonly estimateUsd: number,
  ) {}

  /** `upstream`, reserving on the call's budgets first (throws budget_exceeded when used up). */
  around<A extends unknown[], R>(upstream: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
    return async (...args) => {
      // One reservation per client call, however often the cache reaches the upstream for it.
      this.#reservation ??= this.guard.reserve(this.party, this.estimateUsd);
      await this.#reservation;
      return upstream(...args);
    };
  }

  /** Settles the reservation with what the call cost; once (later calls do nothing). */
  settle(costUsd: number | undefined): void {
    if (this.#settled) return;
    this.#settled = true;
    void this.#reservation?.then((r) => r.settle(costUsd ?? 0)).catch(() => {});
  }
}
