import "server-only";
import type { PrismaClient } from "@/lib/db";
import { ADD_TO_EXISTING_BUCKET, CACHE_STAT_COLUMNS, COUNTERS } from "@/lib/cache/stats-store";
import { type RetentionPolicy, type SweepCounts, cutoff } from "./policy";

/** Rows deleted per statement: small enough not to hold locks or bloat a transaction for long. */
const BATCH = 1_000;

/**
 * Postgres advisory lock key that makes one instance at a time sweep ("ENSR" in ASCII); the
 * start-up migrator uses Prisma Migrate's own key, so the two never collide.
 */
const RETENTION_LOCK = 0x454e5352;

const TERMINAL = ["succeeded", "partial", "failed", "cancelled", "interrupted"] as const;

/**
 * Deletes what the policy says is too old, in small batches, and rolls cache statistics up from
 * minutes to hours to days. Returns null when another instance holds the sweep's lock.
 */
export async function sweepRetention(
  prisma: PrismaClient,
  policy: RetentionPolicy,
  now: Date = new Date(),
): Promise<SweepCounts | null> {
  // A session-level lock would need one pinned connection; a transaction-level lock is released
  // with the transaction that holds it, so the whole sweep runs inside one (each batch is small).
  return prisma.$transaction(
    async (tx) => {
      const [row] = await tx.$queryRaw<{ locked: boolean }[]>`
        SELECT pg_try_advisory_xact_lock(${RETENTION_LOCK}) AS locked`;
      if (!row?.locked) return null;
      const db = tx as unknown as PrismaClient;
      return {
        runs: await deleteOldRuns(db, cutoff(now, policy.runsDays)),
        requestLog: await inBatches((limit) =>
          deleteRequestLog(db, cutoff(now, policy.requestLogDays), limit),
        ),
        statsRolledToHours: await rollUp(db, "hour", cutoff(now, policy.statsMinuteDays)),
        statsRolledToDays: await rollUp(db, "day", cutoff(now, policy.statsHourDays)),
        sessions: (await db.session.deleteMany({ where: { expiresAt: { lt: now } } })).count,
        invites: (await db.invite.deleteMany({ where: { expiresAt: { lt: now } } })).count,
        warmJobs: await deleteWarmJobs(db, cutoff(now, policy.warmJobsDays)),
        audit: await inBatches((limit) => deleteAudit(db, cutoff(now, policy.auditDays), limit)),
      };
    },
    // Generous: a first sweep of a large, never-swept database has a lot to do.
    { timeout: 10 * 60_000, maxWait: 10_000 },
  );
}

async function inBatches(step: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await step(BATCH);
    total += n;
    if (n < BATCH) return total;
  }
}

function deleteOldRuns(prisma: PrismaClient, before: Date | null): Promise<number> {
  if (!before) return Promise.resolve(0);
  return inBatches(async (limit) => {
    const ids = await prisma.run.findMany({
      where: { createdAt: { lt: before }, status: { in: [...TERMINAL] } },
      select: { id: true },
      take: limit,
    });
    if (ids.length === 0) return 0;
    // Steps go with their run (onDelete: Cascade).
    return (await prisma.run.deleteMany({ where: { id: { in: ids.map((r) => r.id) } } })).count;
  });
}

function deleteRequestLog(prisma: PrismaClient, before: Date | null, limit: number) {
  if (!before) return Promise.resolve(0);
  return prisma.$executeRaw`
    DELETE FROM "GatewayRequest" WHERE "id" IN (
      SELECT "id" FROM "GatewayRequest" WHERE "createdAt" < ${before} LIMIT ${limit})`;
}

/** The only deletion of audit records there is (the log is append-only otherwise). */
function deleteAudit(prisma: PrismaClient, before: Date | null, limit: number) {
  if (!before) return Promise.resolve(0);
  return prisma.$executeRaw`
    DELETE FROM "AuditEvent" WHERE "id" IN (
      SELECT "id" FROM "AuditEvent" WHERE "createdAt" < ${before} LIMIT ${limit})`;
}

async function deleteWarmJobs(prisma: PrismaClient, before: Date | null): Promise<number> {
  if (!before) return 0;
  const { count } = await prisma.warmJob.deleteMany({
    where: { status: "done", startedAt: { lt: before } },
  });
  return count;
}

/**
 * Moves statistics buckets older than `before` that are finer than `unit` into `unit` buckets,
 * adding their counters to any bucket already there. Rows already aligned to the unit are left
 * alone, so running it twice counts nothing twice.
 */
function rollUp(prisma: PrismaClient, unit: "hour" | "day", before: Date | null): Promise<number> {
  if (!before) return Promise.resolve(0);
  return inBatches(async (limit) => {
    const [row] = await prisma.$queryRawUnsafe<{ n: number }[]>(
      `WITH moved AS (
         DELETE FROM "CacheStat" WHERE "id" IN (
           SELECT "id" FROM "CacheStat"
           WHERE "bucketStart" < $1 AND date_trunc('${unit}', "bucketStart") <> "bucketStart"
           LIMIT $2)
         RETURNING *),
       -- A data-modifying CTE runs whether or not the outer query reads it.
       merged AS (
       INSERT INTO "CacheStat" (${CACHE_STAT_COLUMNS})
       SELECT gen_random_uuid()::text, date_trunc('${unit}', "bucketStart"), "teamId", "agentId",
         "model", ${COUNTERS.map((c) => `sum("${c}")`).join(", ")}
       FROM moved GROUP BY 2, 3, 4, 5
       ${ADD_TO_EXISTING_BUCKET})
       SELECT count(*)::int AS n FROM moved`,
      before,
      limit,
    );
    return row?.n ?? 0;
  });
}
