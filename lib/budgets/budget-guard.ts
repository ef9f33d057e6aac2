import "server-only";
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/db";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { AppError } from "@/lib/errors";
import type { Logger } from "@/lib/log";
import type { BudgetAlerts } from "./budget-alerts";
import { type BudgetCounter, type CounterWindow, fromNano, toNano } from "./budget-counter";
import { type BudgetRule, type CallParty, applicableBudgets, describeBudget } from "./budget-rules";
import { recordedSpendUsd } from "./recorded-spend";
import { type BudgetWindow, budgetWindow } from "./windows";

/** A reservation on a call's budgets: settle it once, with what the call really cost. */
export interface Reservation {
  /** Releases the reservation and counts `actualUsd`; later calls do nothing. Never throws. */
  settle(actualUsd: number): Promise<void>;
}

export interface BudgetGuard {
  /**
   * Reserves `estimateUsd` on every budget that limits `party` before an upstream call; throws
   * AppError `budget_exceeded` (naming the budget) when one is used up for its window.
   */
  reserve(party: CallParty, estimateUsd: number): Promise<Reservation>;
  /** The team's budgets changed here: read them again on the next call. */
  forget(teamId: string): void;
  /** A budget's current window, and its counter (null before its first call of the window). */
  counterOf(
    rule: BudgetRule,
  ): Promise<{ window: BudgetWindow; spentUsd: number | null; reservedUsd: number }>;
  /** Sets a budget's counter to the sum of the recorded costs of its window (a repair). */
  rebuild(rule: BudgetRule): Promise<number>;
  /** Resolves when settlements and alerts in flight are done. */
  idle(): Promise<void>;
}

const NOTHING: Reservation = { settle: async () => {} };
/** How long a team's budget list is reused before it is read again. */
const RULES_TTL_MS = 2_000;
/** A window's counter outlives its end by this much (late settlements still find it). */
const WINDOW_GRACE_MS = 86_400_000;

export function createBudgetGuard(args: {
  prisma: PrismaClient;
  counter: BudgetCounter;
  alerts: BudgetAlerts;
  timeZone: string;
  log: Logger;
  /** Writes buffered cost records before the counter is seeded from them. */
  beforeSeed?: () => Promise<void>;
  now?: () => Date;
}): BudgetGuard {
  const { prisma, counter, alerts, timeZone, log } = args;
  const now = args.now ?? (() => new Date());
  const rulesOf = cachedRules(prisma);
  const windowOf = (rule: BudgetRule, at: Date) => budgetCounterWindow(rule, at, timeZone);
  const seed = async (rule: BudgetRule, window: BudgetWindow, counted: CounterWindow) =>
    counter.seed(counted, await recordedNano(args, rule, window));

  const pending = new Set<Promise<unknown>>();

  async function reserve(party: CallParty, estimateUsd: number): Promise<Reservation> {
    const applied = applicableBudgets(await rulesOf(party.teamId), party);
    if (applied.length === 0) return NOTHING;
    const at = now();
    const windows = applied.map((rule) => windowOf(rule, at));
    const counted = windows.map((w) => w.counted);
    const id = randomUUID();
    const amount = Math.max(1, toNano(estimateUsd));
    for (let tries = 0; ; tries += 1) {
      const result = await counter.reserve(counted, id, amount).catch(storeDown);
      if (result.kind === "ok") break;
      if (result.kind === "refused" || tries >= 3) {
        const index = result.kind === "refused" ? result.index : 0;
        const rule = applied[index]!;
        const { window } = windows[index]!;
        if (result.kind === "refused") alerts.observe(rule, window, fromNano(result.spent));
        throw refusal(rule, window, at);
      }
      await Promise.all(
        result.indexes.map((i) => seed(applied[i]!, windows[i]!.window, counted[i]!)),
      );
    }
    let settled = false;
    return {
      settle: (actualUsd) => {
        if (settled) return Promise.resolve();
        settled = true;
        const work = counter
          .settle(counted, id, toNano(Math.max(0, actualUsd)))
          .then((spent) =>
            spent.forEach((s, i) => alerts.observe(applied[i]!, windows[i]!.window, fromNano(s))),
          )
          .catch((e: unknown) => log.warn(`budget settlement failed: ${(e as Error).message}`))
          .finally(() => pending.delete(work));
        pending.add(work);
        return work;
      },
    };
  }

  return {
    reserve,
    forget: (teamId) => rulesOf.forget(teamId),
    async counterOf(rule) {
      const { window, counted } = windowOf(rule, now());
      const state = await counter.read(counted);
      return {
        window,
        spentUsd: state ? fromNano(state.spent) : null,
        reservedUsd: state ? fromNano(state.reserved) : 0,
      };
    },
    async rebuild(rule) {
      const { window, counted } = windowOf(rule, now());
      const nano = await recordedNano(args, rule, window);
      await counter.rebuild(counted, nano);
      return fromNano(nano);
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
      await alerts.idle();
    },
  };
}

function refusal(rule: BudgetRule, window: BudgetWindow, at: Date): AppError {
  return new AppError(
    "budget_exceeded",
    `Budget exceeded: ${describeBudget(rule)} is used up for ${window.key}; it resets at ${window.end.toISOString()}.`,
    {
      retryAfterMs: Math.max(1000, window.end.getTime() - at.getTime()),
      details: { budgetId: rule.id, scope: rule.scope, period: rule.period, window: window.key },
    },
  );
}

/**
 * Each team's budgets, read at most every RULES_TTL_MS (a change here forgets them at once).
 * While the database is unavailable the last list read stands in, so a team's calls go on
 * through an outage under the budgets it had; a team never read yet gets a retryable 503.
 */
function cachedRules(prisma: PrismaClient) {
  const rules = new Map<string, { at: number; list: Promise<BudgetRule[]> }>();
  const lastRead = new Map<string, BudgetRule[]>();
  const read = (teamId: string): Promise<BudgetRule[]> => {
    const hit = rules.get(teamId);
    if (hit && Date.now() - hit.at < RULES_TTL_MS) return hit.list;
    const list = prisma.budget.findMany({ where: { teamId } }).then(
      (rows) => {
        lastRead.set(teamId, rows as BudgetRule[]);
        return rows as BudgetRule[];
      },
      (error: unknown) => {
        rules.delete(teamId);
        if (!isDatabaseUnavailable(error)) throw error;
        const stale = lastRead.get(teamId);
        if (stale) return stale;
        throw new AppError("unavailable", "The budgets cannot be read; try again shortly.", {
          retryAfterMs: 1000,
          cause: error,
        });
      },
    );
    rules.set(teamId, { at: Date.now(), list });
    return list;
  };
  return Object.assign(read, {
    forget: (teamId: string) => {
      rules.delete(teamId);
      lastRead.delete(teamId);
    },
  });
}

/** A budget's calendar window at `at`, and its counter's key, limit and expiry. */
function budgetCounterWindow(rule: BudgetRule, at: Date, timeZone: string) {
  const window = budgetWindow(rule.period, at, timeZone);
  const counted: CounterWindow = {
    key: `${rule.id}:${window.key}`,
    limit: toNano(rule.limitUsd),
    expireAt: window.end.getTime() + WINDOW_GRACE_MS,
  };
  return { window, counted };
}

/** What the budget's window spent by the recorded costs, buffered records written first. */
async function recordedNano(
  args: { prisma: PrismaClient; beforeSeed?: () => Promise<void> },
  rule: BudgetRule,
  window: BudgetWindow,
): Promise<number> {
  await args.beforeSeed?.();
  return toNano(await recordedSpendUsd(args.prisma, rule, window.start, window.end));
}

/** The counter's store failed: the call is refused as a retryable 503, never let through unmetered. */
function storeDown(error: unknown): never {
  throw new AppError("unavailable", "The budget store is unavailable; try again shortly.", {
    retryAfterMs: 1000,
    cause: error,
  });
}
