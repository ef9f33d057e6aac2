import { randomBytes } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { createCachedCaller } from "@/lib/cache/cached-caller";
import { responseFromEvents } from "@/lib/cache/upstream-response";
import { cacheKey } from "@/lib/cache/cache-key";
import { createStatsAggregator } from "@/lib/cache/cache-stats";
import { createLocalFlightLock } from "@/lib/cache/cross-instance-lock";
import { MemoryCache } from "@/lib/cache/memory-cache";
import type { CacheLogger } from "@/lib/cache/entry-store";
import { ResponseCache, type ResponseCacheOptions } from "@/lib/cache/response-cache";
import { AppError } from "@/lib/errors";
import type { CacheStatus, CallContext, ModelStreamEvent } from "@/lib/llm/types";
import { createMemoryL2Store } from "./fixtures/memory-l2-store";
import {
  deferred,
  drain,
  makeMessage,
  makeRequest,
  scripted,
  streamThrough,
  withoutIds,
  type ScriptOptions,
} from "./fixtures/model";

const SECRET = "k7#Qz!v9Lm2@xR4pT8wY1nB6cF3hJ5sD0gA";
const message = makeMessage("Paris is the capital of France.");
const request = makeRequest({ temperature: 0 });

function setup(overrides: Partial<ResponseCacheOptions> = {}) {
  let now = Date.UTC(2026, 0, 1);
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const l1 = new MemoryCache({ now: clock.now });
  const l2 = createMemoryL2Store();
  const stats = createStatsAggregator({ now: clock.now });
  const logger: CacheLogger = { warn: vi.fn(), error: vi.fn() };
  const cache = new ResponseCache({
    l1,
    l2,
    secret: SECRET,
    stats,
    logger,
    defaultTtlSeconds: 3600,
    now: clock.now,
    ...overrides,
  });
  let computes = 0;
  const compute =
    (options: ScriptOptions = {}) =>
    (signal: AbortSignal) => {
      computes += 1;
      return scripted(message, signal, options);
    };
  const call = async (context: Partial<CallContext> = {}, options: ScriptOptions = {}) => {
    const statuses: CacheStatus[] = [];
    const events = await drain(
      streamThrough(
        cache,
        request,
        {
          teamId: "team_a",
          agentId: "agent_1",
          onCacheStatus: (s) => statuses.push(s),
          ...context,
        },
        compute(options),
      ),
    );
    return { events, statuses };
  };
  return { cache, l1, l2, stats, logger, clock, call, computes: () => computes, compute };
}

describe("ResponseCache", () => {
  it("computes on a miss, stores the answer, then serves the same stream from memory", async () => {
    const { cache, l2, call, computes } = setup();
    const miss = await call();
    await cache.idle();
    const hit = await call();
    expect(miss.statuses).toEqual(["miss"]);
    expect(hit.statuses).toEqual(["hit-memory"]);
    expect(computes()).toBe(1);
    expect(l2.rows.size).toBe(1);
    expect(hit.events.at(-1)).toEqual({ type: "message_stop" });
    const text = (events: ModelStreamEvent[]) =>
      events
        .map((e) =>
          e.type === "content_block_delta" && e.delta.type === "text_delta" ? e.delta.text : "",
        )
        .join("");
    expect(text(hit.events)).toBe(text(miss.events));
  });

  it("serves from L2 after L1 is cleared, verifying the HMAC, and promotes the entry to L1", async () => {
    const { cache, l1, l2, call, computes } = setup();
    await call();
    await cache.idle();
    l1.clear();
    expect((await call()).statuses).toEqual(["hit-db"]);
    await cache.idle();
    expect(l2.rows.values().next().value?.hitCount).toBe(1);
    expect((await call()).statuses).toEqual(["hit-memory"]);
    expect(computes()).toBe(1);
  });

  it("counts memory hits exactly and writes them to L2 in one batch", async () => {
    const { cache, l2, call } = setup();
    await call();
    await cache.idle();
    for (let i = 0; i < 5; i++) await call();
    const row = () => l2.rows.values().next().value;
    const touchesBefore = l2.calls.touch;
    expect(row()?.hitCount).toBe(0);

    await cache.flushHits();

    expect(row()?.hitCount).toBe(5);
    expect(l2.calls.touch).toBe(touchesBefore + 1);
    await cache.flushHits();
    expect(l2.calls.touch).toBe(touchesBefore + 1);
  });

  it("never serves a tampered L2 row: deletes it, counts it and recomputes", async () => {
    const { cache, l1, l2, stats, logger, call, computes } = setup();
    await call();
    await cache.idle();
    l1.clear();
    const row = [...l2.rows.values()][0];
    if (row === undefined) throw new Error("no row");
    row.response = `${row.response.slice(0, -12)}tampered!!\n\n`;

    const after = await call();
    expect(after.statuses).toEqual(["miss"]);
    expect(computes()).toBe(2);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining("HMAC"), expect.any(Object));
    expect(stats.drain().reduce((n, b) => n + b.tampered, 0)).toBe(1);
    await cache.idle();
    expect(l2.rows.get(row.key)?.response).not.toContain("tampered!!");
  });

  it("keeps the recomputed row when the tampered row's delete lands after it", async () => {
    const { cache, l1, l2, call, computes } = setup();
    await call();
    await cache.idle();
    l1.clear();
    const row = [...l2.rows.values()][0];
    if (row === undefined) throw new Error("no row");
    row.hmac = "0".repeat(64);
    // The delete is slow (another connection, a loaded database): the answer is recomputed and
    // its row written before the delete of the bad row reaches the store.
    const put = l2.put.bind(l2);
    const slowDelete = l2.delete.bind(l2);
    const written = deferred<void>();
    l2.put = async (entry) => {
      await put(entry);
      written.resolve();
    };
    l2.delete = async (key, only) => {
      await written.promise;
      await slowDelete(key, only);
    };

    expect((await call()).statuses).toEqual(["miss"]);
    await cache.idle();
    l1.clear();
    expect((await call()).statuses).toEqual(["hit-db"]);
    expect(computes()).toBe(2);
  });

  it("rejects a row moved to another tenant's key", async () => {
    const { cache, l1, l2, call } = setup();
    await call({ teamId: "team_a" });
    await cache.idle();
    l1.clear();
    const row = l2.rows.get(cacheKey(request, { tenant: "team_a" }));
    const foreignKey = cacheKey(request, { tenant: "team_b" });
    if (row === undefined) throw new Error("no row");
    l2.rows.set(foreignKey, { ...row, key: foreignKey, teamId: "team_b" });
    expect((await call({ teamId: "team_b" })).statuses).toEqual(["miss"]);
  });

  it("encrypts L2 rows at rest and reads them back", async () => {
    const { cache, l1, l2, call } = setup({ encryptionKey: randomBytes(32) });
    await call();
    await cache.idle();
    const row = [...l2.rows.values()][0];
    expect(row?.encrypted).toBe(true);
    expect(row?.response).not.toContain("Paris");
    expect(JSON.stringify(row?.request)).not.toContain("Say hello");
    l1.clear();
    expect((await call()).statuses).toEqual(["hit-db"]);
  });

  it("treats an expired entry as a miss in both tiers", async () => {
    const { cache, clock, call, computes } = setup({ defaultTtlSeconds: 60 });
    await call();
    await cache.idle();
    clock.advance(61_000);
    expect((await call()).statuses).toEqual(["miss"]);
    expect(computes()).toBe(2);
  });

  it("neither reads nor writes on bypass", async () => {
    const { cache, l2, call, computes } = setup();
    await call();
    await cache.idle();
    const reads = l2.calls.get;
    const result = await call({ cache: { mode: "bypass" } });
    await cache.idle();
    expect(result.statuses).toEqual(["bypass"]);
    expect(computes()).toBe(2);
    expect(l2.calls.get).toBe(reads);
    expect(l2.calls.put).toBe(1);
  });

  it("skips the read on refresh but writes the new answer", async () => {
    const { cache, l2, call, computes } = setup();
    await call();
    await cache.idle();
    const result = await call({ cache: { mode: "refresh", ttlSeconds: 10 } });
    await cache.idle();
    expect(result.statuses).toEqual(["miss"]);
    expect(computes()).toBe(2);
    expect(l2.calls.put).toBe(2);
    expect([...l2.rows.values()][0]?.expiresAt?.getTime()).toBe(Date.UTC(2026, 0, 1) + 10_000);
  });

  it("stores nothing from a stream that fails mid-way, and every coalesced caller gets the error", async () => {
    const { cache, l1, l2, call, computes } = setup();
    const failure = new AppError("stream_interrupted", "connection reset");
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => call({}, { failAfter: 4, error: failure })),
    );
    await cache.idle();
    expect(results.every((r) => r.status === "rejected" && r.reason === failure)).toBe(true);
    expect(computes()).toBe(1);
    expect(l1.stats().entries).toBe(0);
    expect(l2.calls.put).toBe(0);
    expect(cache.inFlight()).toBe(0);
  });

  it("stores nothing from a stream that ends without message_stop, and tells the caller", async () => {
    const { cache, l2, call } = setup();
    await expect(call({}, { truncateAt: 6 })).rejects.toMatchObject({ code: "stream_interrupted" });
    await cache.idle();
    expect(l2.calls.put).toBe(0);
  });

  it("coalesces identical concurrent misses into one upstream call", async () => {
    const { cache, call, computes } = setup();
    const results = await Promise.all(Array.from({ length: 50 }, () => call()));
    await cache.idle();
    expect(computes()).toBe(1);
    const statuses = results.flatMap((r) => r.statuses);
    expect(statuses.filter((s) => s === "miss")).toHaveLength(1);
    expect(statuses.filter((s) => s === "coalesced")).toHaveLength(49);
    // The same events, each answer with its own message id.
    for (const r of results) expect(withoutIds(r.events)).toEqual(withoutIds(results[0]!.events));
    const ids = results.map((r) => (r.events[0] as { message: { id: string } }).message.id);
    expect(new Set(ids).size).toBe(50);
  });

  it("waits for another instance's flight and then reads its answer from L2", async () => {
    const shared = { l2: createMemoryL2Store(), lock: createLocalFlightLock() };
    const waitsA = vi.fn();
    const waitsB = vi.fn();
    const a = setup({ ...shared, onLockWait: waitsA });
    const b = setup({ ...shared, onLockWait: waitsB });
    const gate = deferred();
    const first = a.call({}, { gate: gate.promise, holdAt: 3 });
    await new Promise((r) => setTimeout(r, 0));
    const second = b.call();
    await new Promise((r) => setTimeout(r, 0));
    gate.resolve();
    expect((await first).statuses).toEqual(["miss"]);
    const fromB = await second;
    expect(fromB.statuses).toEqual(["coalesced"]);
    expect(a.computes() + b.computes()).toBe(1);
    expect(fromB.events.at(-1)).toEqual({ type: "message_stop" });
    // Only the instance that waited on the other's lock reports a wait (metrics, a span).
    expect(waitsA).not.toHaveBeenCalled();
    expect(waitsB).toHaveBeenCalledTimes(1);
  });

  it("with a cross-instance lock, reads L2 once per miss, under the lock", async () => {
    const shared = { l2: createMemoryL2Store(), lock: createLocalFlightLock() };
    const reads = vi.spyOn(shared.l2, "get");
    const a = setup(shared);
    expect((await a.call()).statuses).toEqual(["miss"]);
    // Before: one read before the flight and a second after taking the lock.
    expect(reads).toHaveBeenCalledTimes(1);
    await a.cache.idle();
    // Another instance (its own L1) finds the stored answer with its one read: a hit, counted
    // as saved.
    const b = setup(shared);
    const hit = await b.call();
    expect(hit.statuses).toEqual(["hit-db"]);
    expect(reads).toHaveBeenCalledTimes(2);
    expect(b.computes()).toBe(0);
    expect(b.stats.drain()[0]).toMatchObject({ hitsDb: 1, misses: 0, outputTokensSaved: 34 });
    // The lock it took for the read was released: the key is free for the next miss.
    await b.cache.idle();
    expect(
      await shared.lock.acquire(cacheKey(request, { tenant: "team_a" }), { ttlMs: 1000 }),
    ).not.toBeNull();
  });

  it("reports the status once, before the first event", async () => {
    const { cache, compute } = setup();
    const log: string[] = [];
    const context: CallContext = { teamId: "t", onCacheStatus: (s) => log.push(`status:${s}`) };
    for await (const event of streamThrough(cache, request, context, compute()))
      log.push(event.type);
    expect(log[0]).toBe("status:miss");
    expect(log.filter((entry) => entry.startsWith("status:"))).toHaveLength(1);
  });

  it("keeps the shared call and stores its answer when the leader's caller aborts", async () => {
    const { cache, l2, compute, computes } = setup();
    const gate = deferred();
    const leaving = new AbortController();
    const leader = drain(
      streamThrough(
        cache,
        request,
        { teamId: "t", signal: leaving.signal },
        compute({ gate: gate.promise, holdAt: 3 }),
      ),
    );
    const follower = drain(streamThrough(cache, request, { teamId: "t" }, compute()));
    await new Promise((r) => setTimeout(r, 0));
    leaving.abort();
    gate.resolve();
    await expect(leader).rejects.toMatchObject({ code: "cancelled" });
    expect((await follower).at(-1)).toEqual({ type: "message_stop" });
    await cache.idle();
    expect(computes()).toBe(1);
    expect(l2.rows.size).toBe(1);
  });

  it("records hits with tokens, cost and latency saved", async () => {
    const { cache, stats, call } = setup();
    await call();
    await cache.idle();
    await call();
    const [bucket] = stats.drain();
    expect(bucket).toMatchObject({
      teamId: "team_a",
      agentId: "agent_1",
      misses: 1,
      hitsMemory: 1,
    });
    expect(bucket?.inputTokensSaved).toBe(12);
    expect(bucket?.outputTokensSaved).toBe(34);
    expect(bucket?.costSavedUsd).toBeGreaterThan(0);
    expect(bucket?.bytesServed).toBeGreaterThan(0);
  });

  it("purges L1 by agent, model or team", async () => {
    const { cache, l1, call } = setup();
    await call({ agentId: "agent_1" });
    await cache.idle();
    expect(cache.purge({ agentId: "agent_2" })).toBe(0);
    expect(cache.purge({ teamId: "team_a", model: "claude-sonnet-4-5" })).toBe(1);
    expect(l1.stats().entries).toBe(0);
  });

  it("degrades to upstream when L2 is down", async () => {
    const { l2, logger, call } = setup();
    l2.get = () => Promise.reject(new Error("db down"));
    expect((await call()).statuses).toEqual(["miss"]);
    expect(logger.error).toHaveBeenCalled();
  });
});

describe("createCachedCaller", () => {
  it("caches deterministic calls, bypasses creative ones, and hands upstream the flight's signal", async () => {
    const { cache } = setup();
    const signals: (AbortSignal | undefined)[] = [];
    const caller = createCachedCaller(cache, (req, context) => {
      signals.push(context.signal);
      expect(context.onCacheStatus).toBeUndefined();
      return responseFromEvents(scripted(message, context.signal));
    });
    const statuses: CacheStatus[] = [];
    const own = new AbortController();
    const context: CallContext = {
      teamId: "t",
      signal: own.signal,
      onCacheStatus: (s) => statuses.push(s),
    };
    await drain(caller(request, context));
    await cache.idle();
    await drain(caller(request, context));
    await drain(caller(makeRequest({ temperature: 0.9 }), context));
    expect(statuses).toEqual(["miss", "hit-memory", "bypass"]);
    expect(signals).toHaveLength(2);
    expect(signals[0]).not.toBe(own.signal);
  });
});
