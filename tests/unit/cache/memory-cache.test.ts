import { describe, expect, it } from "vitest";
import { MemoryCache, type EntryMeta } from "@/lib/cache/memory-cache";

function meta(overrides: Partial<EntryMeta> = {}): EntryMeta {
  return {
    teamId: "team_a",
    agentId: "agent_1",
    model: "claude-sonnet-4-5",
    inputTokens: 1,
    outputTokens: 2,
    latencyMs: 100,
    createdAt: 0,
    expiresAt: null,
    ...overrides,
  };
}

describe("MemoryCache", () => {
  it("counts the UTF-8 bytes of each response plus the overhead", () => {
    const cache = new MemoryCache({ maxBytes: 10_000, entryOverheadBytes: 10 });
    cache.set("k", "é".repeat(100), meta());
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: 210 });
    expect(cache.get("k")?.bytes).toBe(200);
  });

  it("stays under maxBytes by evicting the least recently used entry", () => {
    const cache = new MemoryCache({ maxBytes: 300, maxEntryBytes: 300, entryOverheadBytes: 0 });
    const evicted: string[] = [];
    cache.onEvict((entry) => evicted.push(entry.key));
    cache.set("a", "x".repeat(100), meta());
    cache.set("b", "x".repeat(100), meta());
    cache.set("c", "x".repeat(100), meta());
    cache.get("a"); // a is now more recent than b
    cache.set("d", "x".repeat(100), meta());
    expect(evicted).toEqual(["b"]);
    expect(cache.peek("a")).toBeDefined();
    expect(cache.peek("b")).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 300, evictions: 1 });
  });

  it("refuses an entry larger than maxEntryBytes rather than flushing everything", () => {
    const cache = new MemoryCache({ maxBytes: 1000, maxEntryBytes: 100, entryOverheadBytes: 0 });
    cache.set("small", "x".repeat(50), meta());
    expect(cache.set("huge", "x".repeat(500), meta())).toBe(false);
    expect(cache.peek("small")).toBeDefined();
  });

  it("expires entries by the injected clock", () => {
    let now = 1_000;
    const cache = new MemoryCache({ now: () => now });
    cache.set("k", "v", meta({ expiresAt: 2_000 }));
    expect(cache.get("k")).toBeDefined();
    now = 2_000;
    expect(cache.get("k")).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
    expect(cache.set("old", "v", meta({ expiresAt: 1_500 }))).toBe(false);
  });

  it("prunes expired entries without reading them", () => {
    let now = 0;
    const cache = new MemoryCache({ now: () => now });
    cache.set("short", "v", meta({ expiresAt: 10 }));
    cache.set("forever", "v", meta());
    now = 20;
    expect(cache.prune()).toBe(1);
    expect(cache.stats().entries).toBe(1);
  });

  it("purges by metadata and clears, without counting those as evictions", () => {
    const cache = new MemoryCache();
    cache.set("1", "v", meta({ agentId: "agent_1" }));
    cache.set("2", "v", meta({ agentId: "agent_2" }));
    cache.set("3", "v", meta({ agentId: "agent_2", model: "claude-haiku-4-5" }));
    expect(cache.purge((m) => m.agentId === "agent_2" && m.model === "claude-haiku-4-5")).toBe(1);
    expect(cache.delete("1")).toBe(true);
    cache.clear();
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0, evictions: 0 });
  });

  describe("per-team quota", () => {
    const teamCache = () =>
      new MemoryCache({
        maxBytes: 1_000,
        teamMaxBytes: 400,
        maxEntryBytes: 400,
        entryOverheadBytes: 0,
      });

    it("keeps another team's entries when one team writes far more than the whole cache holds", () => {
      const cache = teamCache();
      const evicted: string[] = [];
      cache.onEvict((entry) => evicted.push(entry.key));
      for (let i = 0; i < 5; i++) cache.set(`b${i}`, "x".repeat(100), meta({ teamId: "team_b" }));
      // b0 is B's least recently used entry; reading it must not matter to A's writes either.
      for (let i = 0; i < 200; i++) cache.set(`a${i}`, "x".repeat(100), meta());
      expect(["b1", "b2", "b3", "b4"].every((k) => cache.peek(k) !== undefined)).toBe(true);
      // B was itself over its quota (500 > 400): its own oldest went, nobody else's.
      expect(cache.peek("b0")).toBeUndefined();
      expect(evicted.filter((k) => k.startsWith("b"))).toEqual(["b0"]);
      expect(cache.teamBytes("team_a")).toBe(400);
      expect(cache.teamBytes("team_b")).toBe(400);
      expect(["a196", "a197", "a198", "a199"].every((k) => cache.peek(k) !== undefined)).toBe(true);
      expect(cache.stats()).toMatchObject({ entries: 8, bytes: 800, evictions: 197 });
    });

    it("evicts the team's own least recently used entry first, as reads refresh it", () => {
      const cache = teamCache();
      for (const k of ["a", "b", "c", "d"]) cache.set(k, "x".repeat(100), meta());
      cache.get("a");
      cache.set("e", "x".repeat(100), meta());
      expect(cache.peek("b")).toBeUndefined();
      expect(["a", "c", "d", "e"].every((k) => cache.peek(k) !== undefined)).toBe(true);
    });

    it("keeps the team's count right through replaces, deletes, purges, expiry and global eviction", () => {
      let now = 0;
      const cache = new MemoryCache({
        maxBytes: 300,
        teamMaxBytes: 300,
        maxEntryBytes: 300,
        entryOverheadBytes: 0,
        now: () => now,
      });
      cache.set("a", "x".repeat(100), meta());
      cache.set("a", "x".repeat(50), meta());
      expect(cache.teamBytes("team_a")).toBe(50);
      cache.set("b", "x".repeat(100), meta({ teamId: "team_b", expiresAt: 10 }));
      cache.set("c", "x".repeat(100), meta({ teamId: "team_b" }));
      cache.set("d", "x".repeat(100), meta({ teamId: "team_c" }));
      expect(cache.peek("a")).toBeUndefined(); // the whole cache was full: global LRU
      expect(cache.teamBytes("team_a")).toBe(0);
      now = 20;
      expect(cache.get("b")).toBeUndefined();
      expect(cache.teamBytes("team_b")).toBe(100);
      cache.delete("c");
      cache.purge((m) => m.teamId === "team_c");
      expect([cache.teamBytes("team_b"), cache.teamBytes("team_c")]).toEqual([0, 0]);
      cache.set("e", "x", meta());
      cache.clear();
      expect(cache.teamBytes("team_a")).toBe(0);
    });
  });
});
