import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createStatsAggregator, type CacheOutcome } from "@/lib/cache/cache-stats";
import { createPrismaL2Store } from "@/lib/cache/prisma-l2-store";
import { createStatsFlusher } from "@/lib/cache/stats-store";
import { getCacheBreakdown, getCacheSeries, getCacheTotals } from "@/lib/cache-admin/stats-queries";
import type { Database } from "@/lib/db";
import { createTestDatabase } from "../../helpers/db";
import { makeEntry, seedTeams, silentLogger } from "./helpers";

let db: Database;
const T0 = Date.UTC(2026, 0, 1, 10, 0, 0);
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

beforeAll(async () => {
  db = await createTestDatabase();
  await seedTeams(db.prisma, "team_a", "team_b");
});
afterAll(async () => db?.close());
beforeEach(async () => {
  await db.prisma.cacheStat.deleteMany();
  await db.prisma.cacheEntry.deleteMany();
});

function flusherWith() {
  const aggregator = createStatsAggregator({ now: () => T0 });
  const flusher = createStatsFlusher({
    prisma: db.prisma,
    aggregator,
    intervalMs: 60_000,
    logger: silentLogger(),
  });
  const record = (
    outcome: CacheOutcome,
    minutes: number,
    extra: { agentId?: string; model?: string; teamId?: string; bytes?: number } = {},
  ) =>
    aggregator.record({
      teamId: extra.teamId ?? "team_a",
      agentId: extra.agentId ?? "agent_1",
      model: extra.model ?? "claude-sonnet-4-5",
      outcome,
      at: at(minutes),
      ...(outcome.startsWith("hit") || outcome === "coalesced"
        ? {
            bytes: extra.bytes ?? 1000,
            inputTokens: 10,
            outputTokens: 20,
            costUsd: 0.25,
            latencySavedMs: 400,
          }
        : {}),
    });
  return { aggregator, flusher, record };
}

describe("cache statistics in CacheStat", () => {
  it("flushes recorded outcomes and sums them back as totals, series and breakdowns", async () => {
    const { flusher, record, aggregator } = flusherWith();
    record("hit-memory", 0);
    record("hit-db", 0);
    record("miss", 0);
    record("coalesced", 1, { agentId: "agent_2" });
    record("bypass", 1);
    record("tampered", 61);
    record("eviction", 61, { model: "claude-haiku-4-5" });
    record("miss", 61, { model: "claude-haiku-4-5" });
    record("hit-db", 0, { teamId: "team_b", bytes: 5 });
    expect(await flusher.flush()).toBe(6);
    expect(aggregator.size()).toBe(0);
    expect(await flusher.flush()).toBe(0);

    expect(await getCacheTotals({ prisma: db.prisma, teamId: "team_a" })).toEqual({
      hitsMemory: 1,
      hitsDb: 1,
      misses: 2,
      coalesced: 1,
      bypasses: 1,
      tampered: 1,
      evictions: 1,
      bytesServed: 3000,
      inputTokensSaved: 30,
      outputTokensSaved: 60,
      costSavedUsd: 0.75,
      latencySavedMs: 1200,
      hitRate: 3 / 5,
    });
    const since = await getCacheTotals({ prisma: db.prisma, teamId: "team_a", since: at(60) });
    expect(since).toMatchObject({ misses: 1, tampered: 1, evictions: 1, hitRate: 0 });

    const hourly = await getCacheSeries({
      prisma: db.prisma,
      teamId: "team_a",
      since: at(-60),
      bucket: "hour",
    });
    expect(hourly.map((p) => [p.bucketStart, p.hitsMemory + p.hitsDb, p.misses])).toEqual([
      [at(0), 2, 1],
      [at(60), 0, 1],
    ]);
    const minutely = await getCacheSeries({
      prisma: db.prisma,
      teamId: "team_a",
      since: at(0),
      bucket: "minute",
    });
    expect(minutely.map((p) => p.bucketStart)).toEqual([at(0), at(1), at(61)]);
    expect(minutely[1]).toMatchObject({ coalesced: 1, bypasses: 1, bytesServed: 1000 });
    const daily = await getCacheSeries({
      prisma: db.prisma,
      teamId: "team_a",
      since: at(-600),
      bucket: "day",
    });
    expect(daily).toHaveLength(1);
    expect(daily[0]).toMatchObject({ bucketStart: new Date(Date.UTC(2026, 0, 1)), misses: 2 });

    const byModel = await getCacheBreakdown({
      prisma: db.prisma,
      teamId: "team_a",
      by: "model",
      since: at(-60),
    });
    expect(byModel.map((r) => [r.group, r.misses, r.evictions])).toEqual([
      ["claude-sonnet-4-5", 1, 0],
      ["claude-haiku-4-5", 1, 1],
    ]);
    const byAgent = await getCacheBreakdown({
      prisma: db.prisma,
      teamId: "team_a",
      by: "agent",
      since: at(-60),
    });
    expect(byAgent.map((r) => r.group)).toEqual(["agent_1", "agent_2"]);
    expect(await getCacheTotals({ prisma: db.prisma, teamId: "team_b" })).toMatchObject({
      hitsDb: 1,
      bytesServed: 5,
      hitRate: 1,
    });
  });

  it("adds up concurrent flushes from several instances into the same bucket", async () => {
    const instances = Array.from({ length: 4 }, () => flusherWith());
    for (const { record } of instances) {
      for (let i = 0; i < 5; i += 1) record("hit-db", 0);
      record("miss", 0);
    }
    await Promise.all(instances.map(({ flusher }) => flusher.flush()));
    // A second round lands on rows that now exist: the ON CONFLICT path.
    for (const { record } of instances) record("hit-db", 0, { bytes: 2 ** 33 });
    await Promise.all(instances.map(({ flusher }) => flusher.flush()));
    expect(await db.prisma.cacheStat.count()).toBe(1);
    const totals = await getCacheTotals({ prisma: db.prisma, teamId: "team_a" });
    expect(totals).toMatchObject({ hitsDb: 24, misses: 4, costSavedUsd: 6 });
    expect(totals.bytesServed).toBe(20 * 1000 + 4 * 2 ** 33);
    for (const { flusher } of instances) await flusher.stop();
  });

  it("keeps buckets whose flush failed and adds them in on the next flush", async () => {
    const aggregator = createStatsAggregator({ now: () => T0 });
    let failures = 1;
    // The real client, except that the first transaction fails as if the database had gone away.
    const flaky = new Proxy(db.prisma, {
      get(target, property, receiver) {
        if (property === "$transaction" && failures > 0) {
          failures -= 1;
          return () => Promise.reject(new Error("connection lost"));
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const logger = silentLogger();
    const flusher = createStatsFlusher({ prisma: flaky, aggregator, intervalMs: 60_000, logger });
    const miss = () =>
      aggregator.record({ teamId: "team_a", agentId: null, model: "m", outcome: "miss" });
    miss();
    miss();
    await expect(flusher.flush()).rejects.toThrow("connection lost");
    expect(logger.error).toHaveBeenCalledOnce();
    miss();
    expect(await flusher.flush()).toBe(1);
    await flusher.stop();
    expect(await getCacheTotals({ prisma: db.prisma, teamId: "team_a" })).toMatchObject({
      misses: 3,
    });
  });

  it("isolates a bucket the database refuses (a NUL in its model), drops only it, and writes every other", async () => {
    const aggregator = createStatsAggregator({ now: () => T0 });
    const logger = silentLogger();
    const flusher = createStatsFlusher({
      prisma: db.prisma,
      aggregator,
      intervalMs: 60_000,
      logger,
    });
    const miss = (teamId: string, model: string) =>
      aggregator.record({ teamId, agentId: null, model, outcome: "miss" });
    miss("team_a", "a-model");
    // Straight to the writer: the edge refuses NUL since issue 10; this is the second defence.
    miss("team_a", "bad\u0000model");
    miss("team_b", "b-model");
    expect(await flusher.flush()).toBe(2);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining("dropped a statistics bucket"),
      expect.anything(),
    );
    // Not kept for a retry: the next flushes write only what is new, for every team.
    miss("team_a", "a-model");
    miss("team_b", "b-model");
    expect(await flusher.flush()).toBe(2);
    await flusher.stop();
    for (const teamId of ["team_a", "team_b"]) {
      const totals = await getCacheTotals({ prisma: db.prisma, teamId });
      expect(totals.misses, teamId).toBe(2);
    }
  });

  it("flushes on its own every intervalMs and once more on stop", async () => {
    const aggregator = createStatsAggregator();
    const flusher = createStatsFlusher({ prisma: db.prisma, aggregator, intervalMs: 50 });
    aggregator.record({ teamId: "team_a", model: "m", outcome: "bypass" });
    await expect
      .poll(async () => (await getCacheTotals({ prisma: db.prisma, teamId: "team_a" })).bypasses)
      .toBe(1);
    aggregator.record({ teamId: "team_a", model: "m", outcome: "bypass" });
    await flusher.stop();
    expect((await getCacheTotals({ prisma: db.prisma, teamId: "team_a" })).bypasses).toBe(2);
  });

  it("counts rows the L2 sweep evicted", async () => {
    const { flusher, aggregator } = flusherWith();
    const l2 = createPrismaL2Store(db.prisma, {
      maxEntries: 1,
      maxBytes: 1_000_000,
      onEvict: (entries) => {
        for (const e of entries) aggregator.record({ ...e, outcome: "eviction", at: at(0) });
      },
    });
    for (let i = 0; i < 3; i += 1) await l2.put(makeEntry({ lastHitAt: at(i) }));
    expect(await l2.sweep()).toEqual({ expired: 0, evicted: 2 });
    await flusher.flush();
    expect((await getCacheTotals({ prisma: db.prisma, teamId: "team_a" })).evictions).toBe(2);
  });
});
