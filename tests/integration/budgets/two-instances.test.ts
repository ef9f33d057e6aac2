/**
 * Issue 12 #2, exact across instances: two budget guards — two instances' worth, each with its
 * own Redis connection when REDIS_URL is set (one process's counter on the embedded defaults),
 * or both on the Postgres tables that serve instances sharing a database without Redis —
 * share a team's $0.01 daily budget. Concurrent calls of a known cost, each recorded as the
 * gateway records it, stop within one call's cost of the limit; afterwards the enforcing counter
 * equals the sum of the recorded costs, and rebuilding it from them changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BudgetCounter,
  type BudgetGuard,
  type BudgetRule,
  createBudgetAlerts,
  createBudgetGuard,
  createMemoryBudgetCounter,
  createPostgresBudgetCounter,
  createRedisBudgetCounter,
  recordedSpendUsd,
} from "@/lib/budgets";
import { logger } from "@/lib/log";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

let app: AppServer;
const extraConnections: { disconnect(): void }[] = [];

beforeAll(async () => {
  app = await startAppServer();
});
afterAll(async () => {
  extraConnections.forEach((c) => c.disconnect());
  await app?.close();
});

type Store = "redis-or-memory" | "postgres";

/** One instance's guard: its own store connection (Redis), or the shared database's tables. */
function instance(store: Store, sharedMemory: BudgetCounter): BudgetGuard {
  const { redis, db } = app.runtime;
  let counter = sharedMemory;
  if (store === "postgres") counter = createPostgresBudgetCounter(db.prisma);
  else if (redis) {
    const connection = redis.duplicate();
    extraConnections.push(connection);
    counter = createRedisBudgetCounter(connection);
  }
  const log = logger.child("budgets-test");
  return createBudgetGuard({
    prisma: db.prisma,
    counter,
    alerts: createBudgetAlerts({ prisma: db.prisma, webhookUrl: undefined, timeZone: "UTC", log }),
    timeZone: "UTC",
    log,
  });
}

const CALL_USD = 0.0007;

/** A call as the gateway makes it: reserve, "call", record the cost, settle at it. */
async function call(guard: BudgetGuard, teamId: string): Promise<boolean> {
  let reservation;
  try {
    reservation = await guard.reserve({ teamId }, CALL_USD);
  } catch (error) {
    expect((error as { code?: string }).code).toBe("budget_exceeded");
    return false;
  }
  await new Promise((r) => setTimeout(r, Math.random() * 5));
  await app.runtime.db.prisma.gatewayRequest.create({
    data: { teamId, stream: false, status: 200, latencyMs: 1, costUsd: CALL_USD },
  });
  await reservation.settle(CALL_USD);
  return true;
}

describe(`a budget shared by two instances on ${dbKind}`, () => {
  it.each<Store>(["redis-or-memory", "postgres"])(
    "on the %s counter, stops spend within one call's cost of the limit, and the counter equals the records",
    async (store) => {
      const api = new ApiClient(app.url);
      const teamId = (await api.signUp()).team.id as string;
      const created = await api.post("/api/budgets", {
        scope: "team",
        period: "day",
        limitUsd: 0.01,
      });
      expect(created.status).toBe(201);
      const rule = { ...created.json.budget, teamId } as BudgetRule;
      const shared = createMemoryBudgetCounter();
      const guards = [instance(store, shared), instance(store, shared)];

      // 60 calls, 8 in flight per instance at a time, for a budget that holds about 14.
      const admitted: boolean[] = [];
      await Promise.all(
        guards.flatMap((guard) =>
          Array.from({ length: 8 }, async (_, lane) => {
            for (let i = lane; i < 30; i += 8) admitted.push(await call(guard, teamId));
          }),
        ),
      );
      const recorded = await recordedSpendUsd(
        app.runtime.db.prisma,
        { teamId, scope: "team", targetId: teamId },
        new Date(Date.now() - 86_400_000),
        new Date(Date.now() + 60_000),
      );
      expect(admitted.filter(Boolean).length).toBe(Math.round(recorded / CALL_USD));
      expect(admitted.some((ok) => !ok)).toBe(true);
      expect(recorded).toBeGreaterThanOrEqual(0.01 - 1e-9);
      expect(recorded).toBeLessThan(0.01 + CALL_USD);

      for (const guard of guards) await guard.idle();
      const counters = await Promise.all(guards.map((g) => g.counterOf(rule)));
      for (const c of counters) {
        expect(c.reservedUsd).toBe(0);
        expect(c.spentUsd).toBeCloseTo(recorded, 6);
      }
      expect(await guards[1]!.rebuild(rule)).toBeCloseTo(recorded, 6);
      expect((await guards[0]!.counterOf(rule)).spentUsd).toBeCloseTo(recorded, 6);
    },
  );
});
