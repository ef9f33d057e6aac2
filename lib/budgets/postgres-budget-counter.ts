import "server-only";
import type { PrismaClient } from "@/lib/db";
import {
  type BudgetCounter,
  type CounterWindow,
  RESERVATION_TTL_MS,
  type ReserveResult,
} from "./budget-counter";

type Tx = Pick<PrismaClient, "$queryRaw" | "$executeRaw">;

/**
 * The counter for instances that share Postgres but no Redis: each step is one transaction that
 * locks the windows' counter rows (in key order, so two calls never deadlock), so no two
 * instances admit a call on the same remaining budget.
 */
export function createPostgresBudgetCounter(prisma: PrismaClient): BudgetCounter {
  const inTx = <T>(work: (tx: Tx) => Promise<T>): Promise<T> =>
    prisma.$transaction((tx) => work(tx as unknown as Tx));
  const seed = (window: CounterWindow, spent: number, replace: boolean) =>
    inTx(async (tx) => {
      await tx.$executeRaw`DELETE FROM "BudgetCounter" WHERE "expireAt" < now()`;
      await tx.$executeRaw`DELETE FROM "BudgetReservation" WHERE "expiresAt" < now() - interval '1 day'`;
      if (replace) {
        await tx.$executeRaw`INSERT INTO "BudgetCounter" ("key", "spent", "expireAt")
          VALUES (${window.key}, ${BigInt(spent)}, ${new Date(window.expireAt)})
          ON CONFLICT ("key") DO UPDATE SET "spent" = EXCLUDED."spent"`;
      } else {
        await tx.$executeRaw`INSERT INTO "BudgetCounter" ("key", "spent", "expireAt")
          VALUES (${window.key}, ${BigInt(spent)}, ${new Date(window.expireAt)})
          ON CONFLICT ("key") DO NOTHING`;
      }
    });
  return {
    reserve: (windows, id, amount) => inTx((tx) => reserveIn(tx, windows, id, amount)),
    seed: (window, spent) => seed(window, spent, false),
    rebuild: (window, spent) => seed(window, spent, true),
    settle: (windows, id, actual) =>
      inTx(async (tx) => {
        const out: number[] = [];
        for (const w of windows) {
          await tx.$executeRaw`DELETE FROM "BudgetReservation" WHERE "key" = ${w.key} AND "id" = ${id}`;
          const rows = await tx.$queryRaw<{ spent: bigint }[]>`
            UPDATE "BudgetCounter" SET "spent" = "spent" + ${BigInt(actual)}
             WHERE "key" = ${w.key} RETURNING "spent"`;
          out.push(Number(rows[0]?.spent ?? 0));
        }
        return out;
      }),
    async read(window) {
      const rows = await prisma.$queryRaw<{ spent: bigint; reserved: bigint | null }[]>`
        SELECT c."spent", (SELECT sum(r."amount") FROM "BudgetReservation" r
                            WHERE r."key" = c."key" AND r."expiresAt" > now()) AS "reserved"
          FROM "BudgetCounter" c WHERE c."key" = ${window.key}`;
      const row = rows[0];
      return row ? { spent: Number(row.spent), reserved: Number(row.reserved ?? 0) } : null;
    },
  };
}

async function reserveIn(
  tx: Tx,
  windows: readonly CounterWindow[],
  id: string,
  amount: number,
): Promise<ReserveResult> {
  const keys = windows.map((w) => w.key);
  const rows = await tx.$queryRaw<{ key: string; spent: bigint }[]>`
    SELECT "key", "spent" FROM "BudgetCounter" WHERE "key" = ANY(${keys})
     ORDER BY "key" FOR UPDATE`;
  const spent = new Map(rows.map((r) => [r.key, Number(r.spent)]));
  const unseeded = keys.flatMap((k, i) => (spent.has(k) ? [] : [i]));
  if (unseeded.length > 0) return { kind: "unseeded", indexes: unseeded };
  const reserved = await tx.$queryRaw<{ key: string; amount: bigint }[]>`
    SELECT "key", sum("amount") AS "amount" FROM "BudgetReservation"
     WHERE "key" = ANY(${keys}) AND "expiresAt" > now() GROUP BY "key"`;
  const held = new Map(reserved.map((r) => [r.key, Number(r.amount)]));
  const full = windows.findIndex((w) => spent.get(w.key)! + (held.get(w.key) ?? 0) >= w.limit);
  if (full !== -1) return { kind: "refused", index: full, spent: spent.get(keys[full]!)! };
  const expiresAt = new Date(Date.now() + RESERVATION_TTL_MS);
  for (const key of keys) {
    await tx.$executeRaw`INSERT INTO "BudgetReservation" ("key", "id", "amount", "expiresAt")
      VALUES (${key}, ${id}, ${BigInt(amount)}, ${expiresAt})`;
  }
  return { kind: "ok", spent: keys.map((k) => spent.get(k)!) };
}
