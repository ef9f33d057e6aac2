import "server-only";
import type { Redis } from "ioredis";
import {
  type BudgetGuard,
  createBudgetAlerts,
  createBudgetGuard,
  createMemoryBudgetCounter,
  createPostgresBudgetCounter,
  createRedisBudgetCounter,
  estimateCallUsd,
} from "@/lib/budgets";
import type { RawCaller } from "@/lib/cache";
import type { Env } from "@/lib/config";
import type { Database } from "@/lib/db";
import { UsageTap } from "@/lib/gateway/call-spend";
import { logger } from "@/lib/log";
import { callCostUsd } from "@/lib/spend";

/**
 * The budget guard on the store every instance shares: Redis when configured, else Postgres
 * (DATABASE_URL: instances may share it), else this process's memory (embedded PGlite belongs
 * to one process).
 */
export function buildBudgetGuard(args: {
  config: Env;
  db: Database;
  redis: Redis | null;
  /** Writes the request log's buffered rows, so a counter seeded from them misses none. */
  flushCosts: () => Promise<void>;
}): BudgetGuard {
  const log = logger.child("budgets");
  return createBudgetGuard({
    prisma: args.db.prisma,
    counter: args.redis
      ? createRedisBudgetCounter(args.redis)
      : args.db.kind === "pglite"
        ? createMemoryBudgetCounter()
        : createPostgresBudgetCounter(args.db.prisma),
    alerts: createBudgetAlerts({
      prisma: args.db.prisma,
      webhookUrl: args.config.BUDGET_WEBHOOK_URL,
      timeZone: args.config.BUDGET_TIME_ZONE,
      log,
    }),
    timeZone: args.config.BUDGET_TIME_ZONE,
    log,
    beforeSeed: args.flushCosts,
  });
}

/**
 * Reserve before, settle after, around a raw upstream call of a run step or a cache warm-up
 * (the cache calls it only on a miss: hits cost nothing and never reserve). The reservation is
 * settled once: at the answer's cost when the stream reached message_stop (what the step or
 * warm-up records), at nothing when the call failed, was refused or was abandoned.
 */
export function budgetedRawCaller(raw: RawCaller, budgets: BudgetGuard): RawCaller {
  return async (request, context) => {
    if (context.teamId === undefined) return raw(request, context);
    const reservation = await budgets.reserve(
      { teamId: context.teamId, agentId: context.agentId ?? null },
      estimateCallUsd(request.model, JSON.stringify(request).length, request.max_tokens),
    );
    try {
      const response = await raw(request, context);
      if (response.status !== 200 || response.body === null) {
        void reservation.settle(0);
        return response;
      }
      return { ...response, body: settleAtEnd(response.body, request.model, reservation) };
    } catch (error) {
      void reservation.settle(0);
      throw error;
    }
  };
}

const decoder = new TextDecoder();

async function* settleAtEnd(
  body: AsyncIterable<Uint8Array>,
  model: string,
  reservation: { settle(usd: number): Promise<void> },
): AsyncIterable<Uint8Array> {
  const tap = new UsageTap();
  let text = "";
  let complete = false;
  try {
    for await (const chunk of body) {
      // Frames may split across chunks: tap whole frames only.
      text += decoder.decode(chunk, { stream: true });
      const end = text.lastIndexOf("\n\n");
      if (end !== -1) {
        tap.frames(text.slice(0, end + 2));
        if (text.slice(0, end + 2).includes("event: message_stop")) complete = true;
        text = text.slice(end + 2);
      }
      yield chunk;
    }
  } finally {
    void reservation.settle(complete && tap.seen ? callCostUsd(model, tap.usage) : 0);
  }
}
