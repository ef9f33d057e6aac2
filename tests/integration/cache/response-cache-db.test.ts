import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createStatsAggregator } from "@/lib/cache/cache-stats";
import { createLocalFlightLock, type FlightLock } from "@/lib/cache/cross-instance-lock";
import { MemoryCache } from "@/lib/cache/memory-cache";
import { createPostgresFlightLock } from "@/lib/cache/postgres-flight-lock";
import { createPrismaL2Store } from "@/lib/cache/prisma-l2-store";
import { createRedisFlightLock } from "@/lib/cache/redis-flight-lock";
import { ResponseCache, type ResponseCacheOptions } from "@/lib/cache/response-cache";
import type { Database } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { CacheStatus, CallContext } from "@/lib/llm/types";
import { createTestDatabase, serverUrl } from "../../helpers/db";
import {
  deferred,
  drain,
  makeMessage,
  makeRequest,
  scripted,
  type ScriptOptions,
  streamThrough,
  withoutIds,
} from "../../unit/cache/fixtures/model";
import { connectRedis, randomPrefix, seedTeams, silentLogger } from "./helpers";

const SECRET = "k7#Qz!v9Lm2@xR4pT8wY1nB6cF3hJ5sD0gA";
const message = makeMessage("Paris is the capital of France.");

let db: Database;
let redis: Redis;
let redis2: Redis;
let pool: pg.Pool | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  await seedTeams(db.prisma, "team_a");
  // Redis when the run is configured with it (CI's second pass); the embedded pass has none.
  if (process.env.REDIS_URL) {
    redis = await connectRedis();
    redis2 = await connectRedis();
  }
  if (serverUrl) pool = new pg.Pool({ connectionString: serverUrl, max: 4 });
});
afterAll(async () => {
  redis?.disconnect();
  redis2?.disconnect();
  await pool?.end();
  await db?.close();
});
beforeEach(async () => {
  await db.prisma.cacheEntry.deleteMany();
});

/** One "process": its own L1, stats and upstream counter, over the shared database. */
function instance(overrides: Partial<ResponseCacheOptions> = {}) {
  const l2 = createPrismaL2Store(db.prisma, { maxEntries: 1_000, maxBytes: 10_000_000 });
  const stats = createStatsAggregator();
  const logger = silentLogger();
  const cache = new ResponseCache({
    l1: new MemoryCache(),
    l2,
    secret: SECRET,
    stats,
    logger,
    defaultTtlSeconds: 3600,
    lockWaitMs: 10_000,
    ...overrides,
  });
  let computes = 0;
  const started = deferred();
  const call = async (
    options: ScriptOptions & { request?: ReturnType<typeof makeRequest> } = {},
    context: Partial<CallContext> = {},
  ) => {
    const statuses: CacheStatus[] = [];
    const events = await drain(
      streamThrough(
        cache,
        options.request ?? makeRequest({ temperature: 0 }),
        {
          teamId: "team_a",
          agentId: "agent_1",
          onCacheStatus: (s) => statuses.push(s),
          ...context,
        },
        (signal) => {
          computes += 1;
          started.resolve();
          return scripted(message, signal, options);
        },
      ),
    );
    return { events, statuses };
  };
  const counts = () => {
    const buckets = stats.drain();
    const sum = (k: "hitsDb" | "tampered" | "misses") => buckets.reduce((n, b) => n + b[k], 0);
    return { hitsDb: sum("hitsDb"), tampered: sum("tampered"), misses: sum("misses") };
  };
  return { cache, l2, logger, call, counts, started, computes: () => computes };
}

describe("ResponseCache over the Prisma L2 store", () => {
  it("serves a second process from the database with the identical event stream", async () => {
    const a = instance();
    const miss = await a.call();
    await a.cache.idle();
    const b = instance();
    const hit = await b.call();
    await b.cache.idle();
    expect(miss.statuses).toEqual(["miss"]);
    expect(hit.statuses).toEqual(["hit-db"]);
    expect(withoutIds(hit.events)).toEqual(withoutIds(miss.events));
    expect(b.computes()).toBe(0);
    expect(b.counts().hitsDb).toBe(1);
    const row = await db.prisma.cacheEntry.findFirstOrThrow();
    expect(row).toMatchObject({ teamId: "team_a", agentId: "agent_1", hitCount: 1 });
    // Promoted to b's L1: the next hit does not touch the database.
    expect((await b.call()).statuses).toEqual(["hit-memory"]);
  });

  it.each([
    [
      "response",
      `UPDATE "CacheEntry" SET "response" = replace("response", 'message_stop', 'message_stap')`,
    ],
    ["hmac", `UPDATE "CacheEntry" SET "hmac" = repeat('0', 64)`],
    // (The stored request is signed too, but only warming reads it: an edited one is never
    // replayed — tests/integration/app/cache-request-signature.test.ts.)
  ])(
    "does not serve a row whose %s was altered in SQL; deletes it and counts it",
    async (_, sql) => {
      const a = instance();
      const original = await a.call();
      await a.cache.idle();
      expect(await db.prisma.$executeRawUnsafe(sql)).toBe(1);
      const b = instance();
      const deleted = vi.spyOn(b.l2, "delete");
      const again = await b.call();
      await b.cache.idle();
      expect(again.statuses).toEqual(["miss"]);
      expect(withoutIds(again.events)).toEqual(withoutIds(original.events));
      expect(b.computes()).toBe(1);
      expect(deleted).toHaveBeenCalledTimes(1);
      expect(b.counts()).toMatchObject({ tampered: 1, misses: 1, hitsDb: 0 });
      expect(b.logger.warn).toHaveBeenCalledWith(
        expect.stringContaining("HMAC"),
        expect.anything(),
      );
      // The recomputed answer replaced the tampered row.
      expect((await instance().call()).statuses).toEqual(["hit-db"]);
    },
  );

  it("encrypts rows at rest and still serves them", async () => {
    const encryptionKey = randomBytes(32);
    const a = instance({ encryptionKey });
    const miss = await a.call();
    await a.cache.idle();
    const row = await db.prisma.cacheEntry.findFirstOrThrow();
    expect(row.encrypted).toBe(true);
    expect(row.response).not.toContain("Paris");
    expect(JSON.stringify(row.request)).not.toContain("temperature");
    expect(row.request).toEqual({ encrypted: expect.any(String) });
    const hit = await instance({ encryptionKey }).call();
    expect(hit.statuses).toEqual(["hit-db"]);
    expect(withoutIds(hit.events)).toEqual(withoutIds(miss.events));
  });

  it("answers 100 identical concurrent calls with exactly one upstream call", async () => {
    const a = instance();
    const results = await Promise.all(Array.from({ length: 100 }, () => a.call()));
    await a.cache.idle();
    expect(a.computes()).toBe(1);
    const statuses = results.flatMap((r) => r.statuses);
    expect(statuses.filter((s) => s === "miss")).toHaveLength(1);
    expect(statuses.filter((s) => s === "coalesced")).toHaveLength(99);
    for (const r of results) expect(withoutIds(r.events)).toEqual(withoutIds(results[0]!.events));
    expect(await db.prisma.cacheEntry.count()).toBe(1);
  });

  it("stores nothing when the leader fails mid-stream, and every follower gets the error", async () => {
    const a = instance();
    const failure = new AppError("stream_interrupted", "connection reset");
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => a.call({ failAfter: 4, error: failure })),
    );
    await a.cache.idle();
    expect(results.every((r) => r.status === "rejected" && r.reason === failure)).toBe(true);
    expect(a.computes()).toBe(1);
    expect(await db.prisma.cacheEntry.count()).toBe(0);
    // Nothing was cached, and the lock was released: the next call computes at once.
    expect((await a.call()).statuses).toEqual(["miss"]);
    await a.cache.idle();
  });

  // Each entry makes the two processes' locks: separate clients on one shared lock.
  const locks: [string, () => [FlightLock, FlightLock]][] = [];
  if (process.env.REDIS_URL) {
    locks.push([
      "a shared Redis lock",
      () => {
        const prefix = randomPrefix("flight");
        return [
          createRedisFlightLock(redis, { prefix }),
          createRedisFlightLock(redis2, { prefix }),
        ];
      },
    ]);
  }
  if (serverUrl) {
    locks.push([
      "a shared Postgres advisory lock",
      () => {
        const namespace = randomPrefix("pg-flight");
        return [
          createPostgresFlightLock(pool!, { namespace }),
          createPostgresFlightLock(pool!, { namespace }),
        ];
      },
    ]);
  } else {
    // PGlite is one process: the local lock is the cross-instance lock there.
    locks.push([
      "the local lock (PGlite)",
      () => {
        const local = createLocalFlightLock();
        return [local, local];
      },
    ]);
  }

  it.each(locks)("lets two processes on %s share one upstream call", async (_, makeLocks) => {
    const [lockA, lockB] = makeLocks();
    const a = instance({ lock: lockA });
    const b = instance({ lock: lockB });
    const gate = deferred();
    // A request of its own, so no row left by another test can answer it.
    const request = makeRequest({
      temperature: 0,
      messages: [{ role: "user", content: randomPrefix("question") }],
    });
    const first = a.call({ gate: gate.promise, holdAt: 3, request });
    await a.started.promise;
    const second = b.call({ request });
    // Long enough for b to miss L1 and L2, find the lock taken and start waiting.
    await new Promise((r) => setTimeout(r, 100));
    gate.resolve();
    const fromA = await first;
    const fromB = await second;
    await Promise.all([a.cache.idle(), b.cache.idle()]);
    expect(fromA.statuses).toEqual(["miss"]);
    expect(a.computes() + b.computes()).toBe(1);
    expect(["coalesced", "hit-db"]).toContain(fromB.statuses[0]);
    expect(withoutIds(fromB.events)).toEqual(withoutIds(fromA.events));
  });
});
