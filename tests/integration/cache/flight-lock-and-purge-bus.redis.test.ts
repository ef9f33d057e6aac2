import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MemoryCache } from "@/lib/cache/memory-cache";
import { createPurgeBus } from "@/lib/cache/purge-bus";
import { createRedisFlightLock } from "@/lib/cache/redis-flight-lock";
import type { PurgeFilter } from "@/lib/cache/purge-filter";
import { connectRedis, randomPrefix, silentLogger } from "./helpers";

// Real Redis: these fail, rather than skip, when it is unreachable.

/** Longer than the test's own timeout: a lock or wait given this never lapses within the test. */
const NEVER_MS = 120_000;
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

  it("resolves waitForRelease when the holder releases, not before", async () => {
    const [one, two] = pair();
    const handle = await one.acquire("k", { ttlMs: NEVER_MS });
    const events: string[] = [];
    const waiting = two
      .waitForRelease("k", { timeoutMs: NEVER_MS })
      .then(() => events.push("waiter woke"));
    await new Promise((r) => setTimeout(r, 100));
    events.push("holder releases");
    await handle?.release();
    await waiting;
    // Neither the lock nor the wait can time out within the test: the release woke the waiter.
    expect(events).toEqual(["holder releases", "waiter woke"]);
  });

  it("resolves at once when nobody holds the key, and on timeout when the holder never lets go", async () => {
    const [one, two] = pair();
    const looks = vi.spyOn(b, "exists");
    try {
      await two.waitForRelease("free", { timeoutMs: NEVER_MS });
      // One look, no polling: nothing held the key.
      expect(looks).toHaveBeenCalledTimes(1);
    } finally {
      looks.mockRestore();
    }
    const holder = await one.acquire("held", { ttlMs: NEVER_MS });
    const t = Date.now();
    await two.waitForRelease("held", { timeoutMs: 150 });
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
    expect(await two.acquire("held", { ttlMs: 10_000 })).toBeNull();
    await holder?.release();
  });

  it("frees the key one lease after its holder stops renewing, and a stale release does not free a newer holder", async () => {
    const [one, two] = pair();
    // A holder that never renews is what a crashed one looks like from outside.
    const stale = await one.acquire("k", { ttlMs: 100, renewEveryMs: 0 });
    expect(stale).not.toBeNull();
    expect(await two.acquire("k", { ttlMs: 10_000 })).toBeNull();
    await two.waitForRelease("k", { timeoutMs: NEVER_MS });
    const fresh = await two.acquire("k", { ttlMs: 10_000 });
    expect(fresh).not.toBeNull();
    await stale?.release();
    expect(await one.acquire("k", { ttlMs: 10_000 })).toBeNull();
    await fresh?.release();
  });

  it("keeps a live holder's lock past many leases by renewing it", async () => {
    const [one, two] = pair();
    const holder = await one.acquire("k", { ttlMs: 200, renewEveryMs: 20 });
    expect(holder).not.toBeNull();
    const events: string[] = [];
    const waiting = two
      .waitForRelease("k", { timeoutMs: NEVER_MS })
      .then(() => events.push("waiter woke"));
    // Five leases' worth of renewals: the wait can only end on the release below.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await two.acquire("k", { ttlMs: 10_000 })).toBeNull();
    events.push("holder releases");
    await holder?.release();
    await waiting;
    expect(events).toEqual(["holder releases", "waiter woke"]);
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
