import "server-only";
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/db";
import type { StatBucket, StatsAggregator } from "./cache-stats";
import type { CacheLogger } from "./response-cache";

export interface StatsFlusherOptions {
  prisma: PrismaClient;
  aggregator: StatsAggregator;
  /**
   * How often buckets are drained to CacheStat.
   * @default 5000
   */
  intervalMs?: number;
  /**
   * Buckets kept for the next flush when a flush fails; beyond this the oldest are dropped, so a
   * long database outage costs statistics, not memory.
   * @default 10000
   */
  maxPendingBuckets?: number;
  /** @default console, prefixed "[cache]" */
  logger?: CacheLogger;
}

export interface StatsFlusher {
  /** Drains the aggregator into CacheStat now; resolves with the number of buckets written. */
  flush(): Promise<number>;
  /** Stops the timer and flushes what is left. */
  stop(): Promise<void>;
}

const COUNTERS = [
  "hitsMemory",
  "hitsDb",
  "misses",
  "coalesced",
  "bypasses",
  "tampered",
  "evictions",
  "bytesServed",
  "inputTokensSaved",
  "outputTokensSaved",
  "costSavedUsd",
  "latencySavedMs",
] as const satisfies readonly (keyof StatBucket)[];

const consoleLogger: CacheLogger = {
  warn: (message, fields) => console.warn(`[cache] ${message}`, fields ?? {}),
  error: (message, fields) => console.error(`[cache] ${message}`, fields ?? {}),
};

/**
 * Moves the in-memory stats aggregator into CacheStat every intervalMs. Each bucket is added to its
 * row with INSERT … ON CONFLICT DO UPDATE, so instances flushing the same minute add up instead of
 * overwriting each other.
 */
export function createStatsFlusher(options: StatsFlusherOptions): StatsFlusher {
  const { prisma, aggregator } = options;
  const logger = options.logger ?? consoleLogger;
  const maxPending = options.maxPendingBuckets ?? 10_000;
  let pending: StatBucket[] = [];
  let running: Promise<number> = Promise.resolve(0);

  const write = async (): Promise<number> => {
    const buckets = merge([...pending, ...aggregator.drain()]);
    pending = [];
    if (buckets.length === 0) return 0;
    try {
      // One transaction, rows in a fixed order: two instances flushing the same buckets lock them
      // in the same order and cannot deadlock.
      await prisma.$transaction(buckets.map((bucket) => upsertBucket(prisma, bucket)));
      return buckets.length;
    } catch (error) {
      pending = buckets.slice(-maxPending);
      logger.error("could not flush cache statistics; will retry", {
        buckets: buckets.length,
        dropped: buckets.length - pending.length,
        error: String(error),
      });
      throw error;
    }
  };

  // Flushes run one at a time, so a slow one is never overtaken by the next tick.
  const flush = () => (running = running.catch(() => 0).then(write));

  const timer = setInterval(() => {
    flush().catch(() => {});
  }, options.intervalMs ?? 5_000);
  // Statistics must not keep a finished process alive.
  timer.unref?.();

  return {
    flush,
    async stop() {
      clearInterval(timer);
      await flush();
    },
  };
}

function upsertBucket(prisma: PrismaClient, b: StatBucket) {
  return prisma.$executeRaw`
    INSERT INTO "CacheStat" ("id", "bucketStart", "teamId", "agentId", "model",
      "hitsMemory", "hitsDb", "misses", "coalesced", "bypasses", "tampered", "evictions",
      "bytesServed", "inputTokensSaved", "outputTokensSaved", "costSavedUsd", "latencySavedMs")
    VALUES (${randomUUID()}, ${b.bucketStart}, ${b.teamId}, ${b.agentId}, ${b.model},
      ${b.hitsMemory}, ${b.hitsDb}, ${b.misses}, ${b.coalesced}, ${b.bypasses}, ${b.tampered},
      ${b.evictions}, ${Math.round(b.bytesServed)}, ${Math.round(b.inputTokensSaved)},
      ${Math.round(b.outputTokensSaved)}, ${b.costSavedUsd}, ${Math.round(b.latencySavedMs)})
    ON CONFLICT ("bucketStart", "teamId", "agentId", "model") DO UPDATE SET
      "hitsMemory" = "CacheStat"."hitsMemory" + EXCLUDED."hitsMemory",
      "hitsDb" = "CacheStat"."hitsDb" + EXCLUDED."hitsDb",
      "misses" = "CacheStat"."misses" + EXCLUDED."misses",
      "coalesced" = "CacheStat"."coalesced" + EXCLUDED."coalesced",
      "bypasses" = "CacheStat"."bypasses" + EXCLUDED."bypasses",
      "tampered" = "CacheStat"."tampered" + EXCLUDED."tampered",
      "evictions" = "CacheStat"."evictions" + EXCLUDED."evictions",
      "bytesServed" = "CacheStat"."bytesServed" + EXCLUDED."bytesServed",
      "inputTokensSaved" = "CacheStat"."inputTokensSaved" + EXCLUDED."inputTokensSaved",
      "outputTokensSaved" = "CacheStat"."outputTokensSaved" + EXCLUDED."outputTokensSaved",
      "costSavedUsd" = "CacheStat"."costSavedUsd" + EXCLUDED."costSavedUsd",
      "latencySavedMs" = "CacheStat"."latencySavedMs" + EXCLUDED."latencySavedMs"`;
}

/** Sums buckets with the same identity (a retried batch plus new events) and sorts them. */
function merge(buckets: StatBucket[]): StatBucket[] {
  const byId = new Map<string, StatBucket>();
  for (const bucket of buckets) {
    const id = `${bucket.bucketStart.toISOString()}\u0000${bucket.teamId}\u0000${bucket.agentId}\u0000${bucket.model}`;
    const existing = byId.get(id);
    if (existing === undefined) {
      byId.set(id, { ...bucket });
      continue;
    }
    for (const counter of COUNTERS) existing[counter] += bucket[counter];
  }
  return [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, b]) => b);
}

/** Summed counters over a period, as plain numbers. */
export interface CacheTotals {
  hitsMemory: number;
  hitsDb: number;
  misses: number;
  coalesced: number;
  bypasses: number;
  tampered: number;
  evictions: number;
  bytesServed: number;
  inputTokensSaved: number;
  outputTokensSaved: number;
  costSavedUsd: number;
  latencySavedMs: number;
  /**
   * Lookups answered without this caller's own upstream call (memory, db, coalesced) over all
   * cacheable lookups (those plus misses; bypasses excluded). 0 when there were none.
   */
  hitRate: number;
}

export type SeriesBucket = "minute" | "hour" | "day";

export interface CacheSeriesPoint extends CacheTotals {
  /** Start of the minute, hour or day (UTC). Periods without traffic are absent. */
  bucketStart: Date;
}

export interface CacheBreakdownRow extends CacheTotals {
  /** The agent id ("" for calls without an agent) or the model. */
  group: string;
}

type Sums = { [K in (typeof COUNTERS)[number]]: number | bigint | null };

/** Sums of the team's counters since `since` (all time without it). */
export async function getCacheTotals({
  prisma,
  teamId,
  since,
}: {
  prisma: PrismaClient;
  teamId: string;
  since?: Date;
}): Promise<CacheTotals> {
  const result = await prisma.cacheStat.aggregate({
    where: { teamId, ...(since === undefined ? {} : { bucketStart: { gte: since } }) },
    _sum: sumSelection(),
  });
  return toTotals(result._sum);
}

/** The team's counters per minute, hour or day since `since`, oldest first, for charts. */
export async function getCacheSeries({
  prisma,
  teamId,
  since,
  bucket,
}: {
  prisma: PrismaClient;
  teamId: string;
  since: Date;
  bucket: SeriesBucket;
}): Promise<CacheSeriesPoint[]> {
  // Sums are cast to float8: sum(bigint) is numeric, which raw queries return as a Decimal.
  // The unit is one of three literals, never caller text, so it may sit in the SQL string.
  const unit = ({ minute: "minute", hour: "hour", day: "day" } as const)[bucket];
  const rows = await prisma.$queryRawUnsafe<(Sums & { bucketStart: Date })[]>(
    `SELECT date_trunc('${unit}', "bucketStart") AS "bucketStart",
            ${COUNTERS.map((c) => `sum("${c}")::float8 AS "${c}"`).join(", ")}
     FROM "CacheStat"
     WHERE "teamId" = $1 AND "bucketStart" >= $2
     GROUP BY 1
     ORDER BY 1`,
    teamId,
    since,
  );
  return rows.map((row) => ({ bucketStart: row.bucketStart, ...toTotals(row) }));
}

/** The team's counters since `since` per agent or per model, busiest first. */
export async function getCacheBreakdown({
  prisma,
  teamId,
  by,
  since,
}: {
  prisma: PrismaClient;
  teamId: string;
  by: "agent" | "model";
  since: Date;
}): Promise<CacheBreakdownRow[]> {
  const where = { teamId, bucketStart: { gte: since } };
  const rows =
    by === "agent"
      ? (await prisma.cacheStat.groupBy({ by: ["agentId"], where, _sum: sumSelection() })).map(
          (row) => ({ group: row.agentId, ...toTotals(row._sum) }),
        )
      : (await prisma.cacheStat.groupBy({ by: ["model"], where, _sum: sumSelection() })).map(
          (row) => ({ group: row.model, ...toTotals(row._sum) }),
        );
  const lookups = (t: CacheTotals) => t.hitsMemory + t.hitsDb + t.coalesced + t.misses + t.bypasses;
  return rows.sort((a, b) => lookups(b) - lookups(a) || (a.group < b.group ? -1 : 1));
}

function sumSelection() {
  return Object.fromEntries(COUNTERS.map((c) => [c, true])) as {
    [K in (typeof COUNTERS)[number]]: true;
  };
}

function toTotals(sums: Sums): CacheTotals {
  const n = (value: number | bigint | null | undefined) => Number(value ?? 0);
  const totals = {
    hitsMemory: n(sums.hitsMemory),
    hitsDb: n(sums.hitsDb),
    misses: n(sums.misses),
    coalesced: n(sums.coalesced),
    bypasses: n(sums.bypasses),
    tampered: n(sums.tampered),
    evictions: n(sums.evictions),
    bytesServed: n(sums.bytesServed),
    inputTokensSaved: n(sums.inputTokensSaved),
    outputTokensSaved: n(sums.outputTokensSaved),
    costSavedUsd: n(sums.costSavedUsd),
    latencySavedMs: n(sums.latencySavedMs),
  };
  const served = totals.hitsMemory + totals.hitsDb + totals.coalesced;
  const lookups = served + totals.misses;
  return { ...totals, hitRate: lookups === 0 ? 0 : served / lookups };
}
