import { describe, expect, it } from "vitest";
import { shouldCache } from "@/lib/cache/cache-policy";
import { createStatsAggregator } from "@/lib/cache/cache-stats";
import { estimateCostUsd, FALLBACK_PRICE, priceFor } from "@/lib/cache/pricing";
import { makeRequest } from "./fixtures/model";

describe("createStatsAggregator", () => {
  it("sums outcomes per minute, team, agent and model, and forgets them once drained", () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 30);
    const stats = createStatsAggregator({ now: () => now });
    const who = { teamId: "t", agentId: "a", model: "m" };
    stats.record({
      ...who,
      outcome: "hit-memory",
      bytes: 10,
      inputTokens: 5,
      outputTokens: 7,
      costUsd: 0.5,
      latencySavedMs: 900,
    });
    stats.record({ ...who, outcome: "hit-db", bytes: 5 });
    stats.record({ ...who, outcome: "miss" });
    stats.record({ teamId: "t", model: "m", outcome: "bypass" });
    now += 60_000;
    stats.record({ ...who, outcome: "tampered" });

    const buckets = stats.drain();
    expect(buckets).toHaveLength(3);
    expect(buckets[0]).toMatchObject({
      bucketStart: new Date(Date.UTC(2026, 0, 1, 12, 0, 0)),
      agentId: "a",
      hitsMemory: 1,
      hitsDb: 1,
      misses: 1,
      bytesServed: 15,
      inputTokensSaved: 5,
      outputTokensSaved: 7,
      costSavedUsd: 0.5,
      latencySavedMs: 900,
    });
    expect(buckets[1]).toMatchObject({ agentId: "", bypasses: 1 });
    expect(buckets[2]).toMatchObject({
      tampered: 1,
      bucketStart: new Date(Date.UTC(2026, 0, 1, 12, 1, 0)),
    });
    expect(stats.drain()).toEqual([]);
  });
});

describe("pricing", () => {
  it("prices current Claude families and falls back for unknown models", () => {
    expect(priceFor("claude-opus-4-1-20250805")).toEqual({ inputPerMTok: 15, outputPerMTok: 75 });
    expect(priceFor("claude-opus-4-6")).toEqual({ inputPerMTok: 5, outputPerMTok: 25 });
    expect(priceFor("claude-sonnet-4-5-20250929")).toEqual({ inputPerMTok: 3, outputPerMTok: 15 });
    expect(priceFor("claude-haiku-4-5")).toEqual({ inputPerMTok: 1, outputPerMTok: 5 });
    // Sonnet 5 is $2 / $10 (platform.claude.com pricing; lib/spend/prices.json).
    expect(priceFor("claude-sonnet-5")).toEqual({ inputPerMTok: 2, outputPerMTok: 10 });
    expect(priceFor("simulated-model")).toEqual(FALLBACK_PRICE);
    expect(estimateCostUsd("claude-haiku-4-5", 1_000_000, 200_000)).toBeCloseTo(2);
  });
});

describe("shouldCache", () => {
  it("caches deterministic calls by default and creative ones only when opted in", () => {
    // Unset temperature is the API's 1.0: not deterministic, so not cached by default.
    expect(shouldCache(makeRequest(), undefined)).toBe(false);
    expect(shouldCache(makeRequest({ temperature: 0 }), {})).toBe(true);
    expect(shouldCache(makeRequest({ temperature: 0.7 }), {})).toBe(false);
    expect(shouldCache(makeRequest({ temperature: 0.7 }), { mode: "default" })).toBe(true);
    expect(shouldCache(makeRequest({ temperature: 0.7 }), { mode: "refresh" })).toBe(true);
    expect(shouldCache(makeRequest({ temperature: 0 }), { mode: "bypass" })).toBe(false);
  });
});
