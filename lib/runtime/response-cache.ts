import "server-only";
import type { Redis } from "ioredis";
import pg from "pg";
import {
  type CacheOutcome,
  type FlightLock,
  type MemoryCache,
  ResponseCache,
  type StatsAggregator,
  assertStrongSecret,
  createMemoryCache,
  createStatsAggregator,
  deriveEncryptionKey,
} from "@/lib/cache";
import { withKeyPresence } from "@/lib/cache/key-presence";
import { createPostgresFlightLock } from "@/lib/cache/postgres-flight-lock";
import {
  type EvictedEntry,
  type PrismaL2Store,
  createPrismaL2Store,
} from "@/lib/cache/prisma-l2-store";
import { type PurgeBus, createPurgeBus } from "@/lib/cache/purge-bus";
import { createRedisFlightLock } from "@/lib/cache/redis-flight-lock";
import { type StatsFlusher, createStatsFlusher } from "@/lib/cache/stats-store";
import { type L2Admin, createL2Admin } from "@/lib/cache-admin/l2-admin";
import type { EntryKeys } from "@/lib/cache-admin/open-entry";
import type { Env } from "@/lib/config";
import { resolveCacheSecret } from "@/lib/config/cache-secret";
import type { Database } from "@/lib/db";
import type { Logger } from "@/lib/log";
import { inSpan, recordSpan } from "@/lib/tracing";

export interface CacheServices {
  cache: ResponseCache;
  l1: MemoryCache;
  l2: PrismaL2Store;
  /** What admin screens read and do with L2 rows. */
  admin: L2Admin;
  stats: StatsAggregator;
  flusher: StatsFlusher;
  purgeBus: PurgeBus;
  limits: { maxEntries: number; maxBytes: number; teamMaxEntries: number; teamMaxBytes: number };
  /** What admin screens need to open L2 rows (never sent anywhere). */
  keys: EntryKeys;
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
  /** Told of every cache outcome (metrics), with the tier for evictions. */
  onOutcome?: (outcome: CacheOutcome, tier: "l1" | "l2") => void;
  /** Told how long each wait on another instance's flight lock took (metrics). */
  onLockWait?: (seconds: number) => void;
}): Promise<CacheServices> {
  const { config, db, redis, log } = args;
  const onOutcome = args.onOutcome ?? (() => {});
  const { secret, encryptionKey } = await resolveKeys(config, log);
  const stats = createStatsAggregator();
  const cacheLog = log.child("cache");
  const { l1, l2, limits } = createTiers(config, db, cacheLog, (e) => {
    onOutcome("eviction", "l2");
    stats.record({
      teamId: e.teamId,
      agentId: e.agentId ?? undefined,
      model: e.model,
      outcome: "eviction",
    });
  });
  const { lock, lockPool } = createFlightLock(config, redis, log);
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
    secret,
    encryptionKey,
    lock,
    // The same outcomes feed the database statistics and the process's metrics.
    stats: {
      record: (event) => {
        stats.record(event);
        onOutcome(event.outcome, "l1");
      },
    },
    defaultTtlSeconds: config.CACHE_DEFAULT_TTL_SECONDS,
    ...leaseOptions(config, args.onLockWait),
    logger,
  });
  traceLookups(cache);
  // Purges published by any instance (this one included) clear this instance's L1.
  const unsubscribe = await purgeBus.subscribe((filter) => cache.purge(filter));
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
    admin: createL2Admin(db.prisma),
    stats,
    flusher,
    purgeBus,
    limits,
    keys: { secret, encryptionKey },
    close: async () => {
      clearInterval(sweep);
      clearInterval(hitFlush);
      // Queued L2 writes and counted hits reach the database before it closes.
      await cache.idle();
      unsubscribe();
      await purgeBus.close();
      purgeSub?.disconnect();
      await flusher.stop();
      await lockPool?.end();
    },
  };
}

/** The flight lock's lease and waits; a wait on another instance's leader is a span and a metric. */
function leaseOptions(config: Env, onLockWait?: (seconds: number) => void) {
  return {
    lockLeaseMs: config.FLIGHT_LOCK_LEASE_MS,
    lockRenewMs: config.FLIGHT_LOCK_RENEW_MS,
    lockWaitMs: config.FLIGHT_LOCK_WAIT_MS,
    onLockWait: (ms: number) => {
      const end = Date.now();
      recordSpan("cache.flight.wait", { "ensemble.wait_ms": ms }, end - ms, end);
      onLockWait?.(ms / 1000);
    },
  };
}

/**
 * A span per lookup, named by how it was answered (its tier: memory, db, a shared flight, or the
 * upstream): the upstream call of a miss is its child. A no-op while tracing is off.
 */
function traceLookups(cache: ResponseCache): void {
  const fetch = cache.fetch.bind(cache);
  cache.fetch = (request, upstream) =>
    inSpan("cache.lookup", { "gen_ai.request.model": request.model }, async (span) => {
      const answer = await fetch(request, upstream);
      span.setAttribute("ensemble.cache.status", answer.status);
      return answer;
    });
}

/**
 * The cross-instance single-flight lock, only where there are other instances to coordinate
 * with: Redis when configured, else Postgres advisory locks on DATABASE_URL, else none.
 */
function createFlightLock(config: Env, redis: Redis | null, log: Logger) {
  // One process on PGlite needs no cross-instance lock; a shared deployment does. A Postgres
  // flight lock holds a session for the whole upstream call, so it gets its own pool, sized to
  // the upstream concurrency, rather than starving Prisma's.
  const lockPool =
    !redis && config.DATABASE_URL
      ? new pg.Pool({ connectionString: config.DATABASE_URL, max: config.MAX_CONCURRENCY + 2 })
      : undefined;
  lockPool?.on("error", (e) => log.warn(`flight-lock pool: ${e.message}`));
  const lock: FlightLock | undefined = redis
    ? createRedisFlightLock(redis)
    : lockPool
      ? createPostgresFlightLock(lockPool)
      : undefined;
  return { lock, lockPool };
}

/** The signing secret (checked, or generated on the embedded defaults) and the optional AES key. */
async function resolveKeys(config: Env, log: Logger): Promise<EntryKeys & { secret: string }> {
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
  return { secret: secret.secret, encryptionKey };
}

/**
 * L1 and L2 with their global and per-team bounds (a team's share defaults to a quarter of each
 * tier, so one team cannot evict every other's entries).
 */
function createTiers(
  config: Env,
  db: Database,
  cacheLog: Logger,
  onEvict: (entry: EvictedEntry) => void,
) {
  const quarter = (n: number) => Math.max(1, Math.floor(n / 4));
  const l1 = createMemoryCache({
    maxBytes: config.CACHE_L1_MAX_BYTES,
    teamMaxBytes: config.CACHE_L1_TEAM_MAX_BYTES ?? quarter(config.CACHE_L1_MAX_BYTES),
  });
  const limits = {
    maxEntries: config.CACHE_L2_MAX_ENTRIES,
    maxBytes: config.CACHE_L2_MAX_BYTES,
    teamMaxEntries: config.CACHE_L2_TEAM_MAX_ENTRIES ?? quarter(config.CACHE_L2_MAX_ENTRIES),
    teamMaxBytes: config.CACHE_L2_TEAM_MAX_BYTES ?? quarter(config.CACHE_L2_MAX_BYTES),
  };
  const store = createPrismaL2Store(db.prisma, {
    ...limits,
    sql: db.query,
    onEvict: (entries) => entries.forEach(onEvict),
  });
  // On PGlite this process is the store's only writer, so it can know a miss without a read.
  const l2 =
    db.kind === "pglite"
      ? withKeyPresence(store, {
          loadKeys: async () =>
            (await db.query<{ key: string }>(`SELECT "key" FROM "CacheEntry"`)).map((r) => r.key),
          maxKeys: 2 * limits.maxEntries,
          onError: (e) => cacheLog.warn(`could not load the L2 key list: ${String(e)}`),
        })
      : store;
  return { l1, l2, limits };
}
