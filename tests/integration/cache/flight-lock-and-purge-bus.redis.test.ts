import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryCache } from "@/lib/cache/memory-cache";
import { createPurgeBus } from "@/lib/cache/purge-bus";
import { createRedisFlightLock } from "@/lib/cache/redis-flight-lock";
import type { PurgeFilter } from "@/lib/cache/response-cache";
import { connectRedis, randomPrefix, silentLogger } from "./helpers";

// Real Redis: these fail, rather than skip, when it is unreachable.
let a: Redis;
let b: Redis;
let subA: Redis;
let subB: Redis;

beforeAll(async () => {
  [a, b, subA, subB] = await Promise.all([
    connectRedis(),
    connectRedis(),
    connectRedis(),
    connectRedis(),
  ]);
});
afterAll(() => {
  for (const client of [a, b, subA, subB]) client?.disconnect();
});

describe("createRedisFlightLock", () => {
  const pair = () => {
    const prefix = randomPrefix("lock");
    return [createRedisFlightLock(a, { prefix }), createRedisFlightLock(b, { prefix })] as const;
  };

  it("gives the lock to only one of two acquirers", async () => {
    const [one, two] = pair();
    const results = await Promise.all([
      one.acquire("k", { ttlMs: 10_000 }),
      two.acquire("k", { ttlMs: 10_000 }),
    ]);
    expect(results.filter((h) => h !== null)).toHaveLength(1);
    await Promise.all(results.map((h) => h?.release()));
    const again = await two.acquire("k", { ttlMs: 10_000 });
    expect(again).not.toBeNull();
    await again?.release();
    await again?.release();
  });

  it("resolves waitForRelease soon after the holder releases", async () => {
    const [one, two] = pair();
    const handle = await one.acquire("k", { ttlMs: 10_000 });
    let resolved = false;
    const waiting = two.waitForRelease("k", { timeoutMs: 5_000 }).then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(resolved).toBe(false);
    const releasedAt = Date.now();
    await handle?.release();
    await waiting;
    expect(Date.now() - releasedAt).toBeLessThan(500);
  });

  it("resolves at once when nobody holds the key, and on timeout when the holder never lets go", async () => {
    const [one, two] = pair();
    const started = Date.now();
    await two.waitForRelease("free", { timeoutMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(100);
    await one.acquire("held", { ttlMs: 10_000 });
    const t = Date.now();
    await two.waitForRelease("held", { timeoutMs: 150 });
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
  });

  it("frees the key when the TTL lapses, and a stale release does not free a newer holder", async () => {
    const [one, two] = pair();
    const stale = await one.acquire("k", { ttlMs: 100 });
    expect(stale).not.toBeNull();
    expect(await two.acquire("k", { ttlMs: 10_000 })).toBeNull();
    await two.waitForRelease("k", { timeoutMs: 2_000 });
    const fresh = await two.acquire("k", { ttlMs: 10_000 });
    expect(fresh).not.toBeNull();
    await stale?.release();
    expect(await one.acquire("k", { ttlMs: 10_000 })).toBeNull();
    await fresh?.release();
  });

  it("rejects a wait when its signal aborts", async () => {
    const [one, two] = pair();
    await one.acquire("k", { ttlMs: 10_000 });
    const controller = new AbortController();
    const waiting = two.waitForRelease("k", { timeoutMs: 5_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error("gone")), 50);
    await expect(waiting).rejects.toThrow("gone");
  });
});

describe("createPurgeBus over Redis", () => {
  it("delivers a purge published on one connection to subscribers on another, dates intact", async () => {
    const channel = randomPrefix("purge");
    const busA = createPurgeBus({ redis: { pub: a, sub: subA }, channel });
    const busB = createPurgeBus({ redis: { pub: b, sub: subB }, channel });
    const seenA: PurgeFilter[] = [];
    const seenB: PurgeFilter[] = [];
    await busA.subscribe((f) => seenA.push(f));
    await busB.subscribe((f) => seenB.push(f));
    const filter = { teamId: "team_a", model: "m1", olderThan: new Date(Date.UTC(2026, 0, 1)) };
    await busA.publish(filter);
    await expect.poll(() => seenB.length).toBe(1);
    expect(seenB[0]).toEqual(filter);
    expect(seenB[0]?.olderThan).toBeInstanceOf(Date);
    await expect.poll(() => seenA.length).toBe(1);
    await busA.close();
    await busB.close();
  });

  it("purges another instance's L1 and ignores malformed messages", async () => {
    const channel = randomPrefix("purge");
    const logger = silentLogger();
    const bus = createPurgeBus({ redis: { pub: a, sub: subB }, channel, logger });
    const l1 = new MemoryCache();
    const meta = (teamId: string) => ({
      teamId,
      agentId: null,
      model: "m",
      inputTokens: 1,
      outputTokens: 1,
      latencyMs: 1,
      createdAt: Date.now(),
      expiresAt: null,
    });
    l1.set("k1", "{}", meta("team_a"));
    l1.set("k2", "{}", meta("team_b"));
    const purged: number[] = [];
    const unsubscribe = await bus.subscribe((filter) =>
      purged.push(
        l1.purge(
          (m, key) =>
            (filter.teamId === undefined || m.teamId === filter.teamId) &&
            (filter.key === undefined || key === filter.key),
        ),
      ),
    );
    await a.publish(channel, "not json");
    await a.publish(channel, JSON.stringify({ teamId: 42 }));
    await bus.publish({ teamId: "team_a" });
    await expect.poll(() => purged).toEqual([1]);
    expect(l1.peek("k2")).toBeDefined();
    expect(logger.warn).toHaveBeenCalledTimes(2);
    unsubscribe();
    await bus.publish({ teamId: "team_b" });
    await new Promise((r) => setTimeout(r, 100));
    expect(purged).toEqual([1]);
    await bus.close();
  });
});
