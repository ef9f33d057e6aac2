import "server-only";
import type { Redis } from "ioredis";
import pg from "pg";
import {
  type FlightLock,
  type MemoryCache,
  ResponseCache,
  type StatsAggregator,
  assertStrongSecret,
  createLocalFlightLock,
  createMemoryCache,
  createStatsAggregator,
  deriveEncryptionKey,
} from "@/lib/cache";
import { createPostgresFlightLock } from "@/lib/cache/postgres-flight-lock";
import { type PrismaL2Store, createPrismaL2Store } from "@/lib/cache/prisma-l2-store";
import { type PurgeBus, createPurgeBus } from "@/lib/cache/purge-bus";
import { createRedisFlightLock } from "@/lib/cache/redis-flight-lock";
import { type StatsFlusher, createStatsFlusher } from "@/lib/cache/stats-store";
import type { Env } from "@/lib/config";
import { resolveCacheSecret } from "@/lib/config/cache-secret";
import type { Database } from "@/lib/db";
import type { Logger } from "@/lib/log";

export interface CacheServices {
  cache: ResponseCache;
  l1: MemoryCache;
  l2: PrismaL2Store;
  stats: StatsAggregator;
  flusher: StatsFlusher;
  purgeBus: PurgeBus;
  limits: { maxEntries: number; maxBytes: number };
  close(): Promise<void>;
}

/**
 * The response cache as the app runs it: L1 in memory, L2 in the database, entries signed (and
 * optionally encrypted), single-flight across instances through Redis or Postgres, purges fanned
 * out to every instance's L1, statistics flushed to the database.
 */
export async function createCacheServices(args: {
  config: Env;
  db: Database;
  redis: Redis | null;
  log: Logger;
}): Promise<CacheServices> {
  const { config, db, redis, log } = args;
  const secret = await resolveCacheSecret(config);
  assertStrongSecret(secret.secret);
  if (secret.source === "generated") {
    log.info(
      `generated a cache signing secret in ${secret.file} (set CACHE_HMAC_SECRET to choose one)`,
    );
  }
  const encryptionKey = config.CACHE_ENCRYPTION_KEY
    ? deriveEncryptionKey(config.CACHE_ENCRYPTION_KEY)
    : undefined;

  const stats = createStatsAggregator();
  const l1 = createMemoryCache({ maxBytes: config.CACHE_L1_MAX_BYTES });
  const limits = { maxEntries: config.CACHE_L2_MAX_ENTRIES, maxBytes: config.CACHE_L2_MAX_BYTES };
  const l2 = createPrismaL2Store(db.prisma, {
    ...limits,
    onEvict: (entries) => {
      for (const e of entries) {
        stats.record({
          teamId: e.teamId,
          agentId: e.agentId ?? undefined,
          model: e.model,
          outcome: "eviction",
        });
      }
    },
  });
  // One process on PGlite needs no cross-instance lock; a shared deployment does. A Postgres
  // flight lock holds a session for the whole upstream call, so it gets its own pool, sized to
  // the upstream concurrency, rather than starving Prisma's.
  const lockPool =
    !redis && config.DATABASE_URL
      ? new pg.Pool({ connectionString: config.DATABASE_URL, max: config.MAX_CONCURRENCY + 2 })
      : undefined;
  lockPool?.on("error", (e) => log.warn(`flight-lock pool: ${e.message}`));
  const lock: FlightLock = redis
    ? createRedisFlightLock(redis)
    : lockPool
      ? createPostgresFlightLock(lockPool)
      : createLocalFlightLock();
  const cacheLog = log.child("cache");
  const logger = {
    warn: (m: string, f?: Record<string, unknown>) => cacheLog.warn(m, f),
    error: (m: string, f?: Record<string, unknown>) => cacheLog.error(m, f),
  };
  const purgeSub = redis?.duplicate();
  const purgeBus = createPurgeBus({
    redis: redis && purgeSub ? { pub: redis, sub: purgeSub } : undefined,
    logger,
  });
  const cache = new ResponseCache({
    l1,
    l2,
    secret: secret.secret,
    encryptionKey,
    lock,
    stats,
    defaultTtlSeconds: config.CACHE_DEFAULT_TTL_SECONDS,
    logger,
    onPurge: (filter) => void purgeBus.publish(filter),
  });
  // Purges published by any instance (this one included) clear this instance's L1.
  const unsubscribe = await purgeBus.subscribe((filter) =>
    cache.purge(filter, { broadcast: false }),
  );
  const flusher = createStatsFlusher({ prisma: db.prisma, aggregator: stats, logger });
  const sweep = setInterval(() => {
    void l2.sweep().catch((e: unknown) => cacheLog.warn(`sweep failed: ${(e as Error).message}`));
  }, 60_000);
  sweep.unref?.();
  // Memory hits reach L2's hit counts (and so eviction order and "top entries") in batches.
  const hitFlush = setInterval(() => void cache.flushHits(), 5_000);
  hitFlush.unref?.();

  return {
    cache,
    l1,
    l2,
    stats,
    flusher,
    purgeBus,
    limits,
    close: async () => {
      clearInterval(sweep);
      clearInterval(hitFlush);
      await cache.flushHits();
      unsubscribe();
      await purgeBus.close();
      purgeSub?.disconnect();
      await flusher.stop();
      await lockPool?.end();
    },
  };
}
