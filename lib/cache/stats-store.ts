import "server-only";
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/db";
import { Prisma } from "@/lib/db/generated/client";
import { isRowRejection, sqlStateOf } from "@/lib/db/sql-state";
import type { CacheCounters, StatBucket, StatsAggregator } from "./cache-stats";
import type { CacheLogger } from "./entry-store";

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

/** The counter columns of a CacheStat row, in column order; rows of one bucket merge by adding them. */
export const COUNTERS = [
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
] as const satisfies readonly (keyof CacheCounters)[];

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
      // A bucket the database refuses for its content would fail every retry of the batch, for
      // every team: write them one by one instead, and drop only those refused on their own.
      if (isRowRejection(error)) return writeEach(buckets);
      pending = buckets.slice(-maxPending);
      logger.error("could not flush cache statistics; will retry", {
        buckets: buckets.length,
        dropped: buckets.length - pending.length,
        error: String(error),
      });
      throw error;
    }
  };

  const writeEach = async (buckets: StatBucket[]): Promise<number> => {
    let written = 0;
    for (const [i, bucket] of buckets.entries()) {
      try {
        await upsertBucket(prisma, bucket);
        written += 1;
      } catch (error) {
        if (!isRowRejection(error)) {
          pending = buckets.slice(i).slice(-maxPending);
          throw error;
        }
        logger.warn("dropped a statistics bucket the database refused", {
          teamId: bucket.teamId,
          sqlState: sqlStateOf(error),
        });
      }
    }
    return written;
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

/** "CacheStat"'s columns as an INSERT names them: the id, the bucket's identity, its counters. */
export const CACHE_STAT_COLUMNS = ["id", "bucketStart", "teamId", "agentId", "model"]
  .concat(COUNTERS)
  .map((column) => `"${column}"`)
  .join(", ");

/** Ends an INSERT into "CacheStat": a row for a bucket that exists adds its counters to it. */
export const ADD_TO_EXISTING_BUCKET = `ON CONFLICT ("bucketStart", "teamId", "agentId", "model") DO UPDATE SET ${COUNTERS.map(
  (c) => `"${c}" = "CacheStat"."${c}" + EXCLUDED."${c}"`,
).join(", ")}`;

function upsertBucket(prisma: PrismaClient, b: StatBucket) {
  return prisma.$executeRaw`
    INSERT INTO "CacheStat" (${Prisma.raw(CACHE_STAT_COLUMNS)})
    VALUES (${randomUUID()}, ${b.bucketStart}, ${b.teamId}, ${b.agentId}, ${b.model},
      ${b.hitsMemory}, ${b.hitsDb}, ${b.misses}, ${b.coalesced}, ${b.bypasses}, ${b.tampered},
      ${b.evictions}, ${Math.round(b.bytesServed)}, ${Math.round(b.inputTokensSaved)},
      ${Math.round(b.outputTokensSaved)}, ${b.costSavedUsd}, ${Math.round(b.latencySavedMs)})
    ${Prisma.raw(ADD_TO_EXISTING_BUCKET)}`;
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
