import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StoredEntry } from "@/lib/cache/l2-store";
import { createPrismaL2Store, type EvictedEntry } from "@/lib/cache/prisma-l2-store";
import { createL2Admin } from "@/lib/cache-admin/l2-admin";
import type { Database } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { createTestDatabase } from "../../helpers/db";
import { makeEntry, seedTeams } from "./helpers";

let db: Database;
const NOW = Date.UTC(2026, 0, 2);
const minutes = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 60_000);

beforeAll(async () => {
  db = await createTestDatabase();
  await seedTeams(db.prisma, "team_a", "team_b");
});
afterAll(async () => db?.close());
beforeEach(async () => {
  await db.prisma.cacheEntry.deleteMany();
});

const store = (
  overrides: {
    maxEntries?: number;
    maxBytes?: number;
    teamMaxEntries?: number;
    teamMaxBytes?: number;
    raw?: boolean;
  } = {},
) => {
  const evicted: EvictedEntry[] = [];
  const { raw = true, ...limits } = overrides;
  // The hot path's store (its read and batched writes in raw SQL, as the runtime builds it) and
  // the admin's reads over the same table.
  const l2 = Object.assign(
    createPrismaL2Store(db.prisma, {
      maxEntries: 1_000,
      maxBytes: 1_000_000,
      now: () => NOW,
      onEvict: (entries) => evicted.push(...entries),
      sql: raw ? db.query : undefined,
      ...limits,
    }),
    createL2Admin(db.prisma),
  );
  return { l2, evicted };
};

/** What the hot path reads back: the row without its request. */
const served = ({ request: _request, ...entry }: StoredEntry) => entry;

describe("createPrismaL2Store", () => {
  it.each([
    ["raw SQL", true],
    ["Prisma", false],
  ])("reads a row without its request (%s), to the millisecond", async (_name, raw) => {
    const { l2 } = store({ raw });
    const entry = makeEntry({
      expiresAt: new Date(Date.UTC(2026, 5, 30, 23, 59, 59, 999)),
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 1)),
      request: { nested: [1, "two"] },
    });
    await l2.put(entry);
    expect(await l2.get(entry.key)).toEqual(served(entry));
    expect(await l2.get("0".repeat(64))).toBeNull();
  });

  it("writes many rows in one statement, the last of a repeated key winning", async () => {
    const { l2 } = store();
    const rows = Array.from({ length: 5 }, (_, i) =>
      makeEntry({
        expiresAt: i % 2 ? null : minutes(90 + i),
        request: { i, text: 'é \\ " {a,b} NULL' },
      }),
    );
    const replaced = { ...rows[1]!, response: "second write", sizeBytes: 12 };
    await l2.putMany!([...rows, replaced]);
    for (const row of [rows[0]!, replaced, ...rows.slice(2)]) {
      expect(await l2.get(row.key)).toEqual(served(row));
    }
    const stored = await db.prisma.cacheEntry.findUnique({ where: { key: rows[3]!.key } });
    expect(stored?.request).toEqual(rows[3]!.request);
    await l2.putMany!([{ ...rows[0]!, response: "again", hitCount: 0 }]);
    expect((await l2.get(rows[0]!.key))?.response).toBe("again");
  });

  it("keeps a row's hit history when a batch rewrites it, as a lone put does", async () => {
    const { l2 } = store();
    const [a, b] = [makeEntry(), makeEntry()];
    await l2.putMany!([a, b]);
    const hitAt = new Date(a.lastHitAt.getTime() + 60_000);
    await l2.touchMany!(new Map([[a.key, 2]]), hitAt);
    // A warming refresh: new answer, fresh counters in the row it sends.
    const fresh = { hitCount: 0, lastHitAt: new Date(hitAt.getTime() + 1_000) };
    await l2.putMany!([
      { ...a, ...fresh, response: "refreshed a" },
      { ...b, ...fresh, response: "refreshed b" },
    ]);
    const got = await l2.get(a.key);
    expect(got).toMatchObject({ response: "refreshed a", hitCount: 2, lastHitAt: hitAt });
    expect(await l2.get(b.key)).toMatchObject({ response: "refreshed b", hitCount: 0 });
    expect((await l2.get(b.key))?.lastHitAt).toEqual(b.lastHitAt);
  });

  it("refuses a batch with a row for a team that does not exist, as a whole", async () => {
    const { l2 } = store();
    const good = makeEntry();
    await expect(l2.putMany!([good, makeEntry({ teamId: "nobody" })])).rejects.toBeDefined();
    expect(await l2.get(good.key)).toBeNull();
  });

  it("records hits on many rows in one statement, skipping missing ones", async () => {
    const { l2 } = store();
    const [a, b] = [makeEntry(), makeEntry()];
    await l2.putMany!([a, b]);
    await l2.touchMany!(
      new Map([
        [a.key, 3],
        [b.key, 1],
        ["f".repeat(64), 2],
      ]),
      minutes(42),
    );
    expect(await l2.get(a.key)).toMatchObject({ hitCount: 3, lastHitAt: minutes(42) });
    expect(await l2.get(b.key)).toMatchObject({ hitCount: 1, lastHitAt: minutes(42) });
  });

  it("round-trips a row, replaces it on put, and counts touches", async () => {
    const { l2 } = store();
    const entry = makeEntry({ expiresAt: minutes(90), request: { nested: [1, "two"] } });
    await l2.put(entry);
    expect(await l2.get(entry.key)).toEqual(served(entry));
    await l2.put({ ...entry, response: "replaced", sizeBytes: 8 });
    expect((await l2.get(entry.key))?.response).toBe("replaced");
    await l2.touch(entry.key, minutes(5));
    await l2.touch(entry.key, minutes(6));
    const touched = await l2.get(entry.key);
    expect(touched?.hitCount).toBe(2);
    expect(touched?.lastHitAt).toEqual(minutes(6));
    await l2.delete(entry.key);
    await l2.delete(entry.key);
    await l2.touch(entry.key, minutes(7));
    expect(await l2.get(entry.key)).toBeNull();
  });

  it("survives concurrent puts of the same new key", async () => {
    const { l2 } = store();
    const entry = makeEntry();
    await Promise.all(Array.from({ length: 10 }, (_, i) => l2.put({ ...entry, latencyMs: i })));
    expect(await l2.totals()).toEqual({ entries: 1, bytes: 100 });
  });

  it("rejects a row for a team that does not exist with a not_found AppError", async () => {
    const { l2 } = store();
    const error = await l2.put(makeEntry({ teamId: "nobody" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("not_found");
  });

  it("sweeps expired rows and keeps the rest", async () => {
    const { l2, evicted } = store();
    const expired = makeEntry({ expiresAt: new Date(NOW - 1) });
    const live = makeEntry({ expiresAt: new Date(NOW + 60_000) });
    const forever = makeEntry();
    for (const e of [expired, live, forever]) await l2.put(e);
    expect(await l2.sweep()).toEqual({ expired: 1, evicted: 0 });
    expect(await l2.get(expired.key)).toBeNull();
    expect((await l2.totals()).entries).toBe(2);
    expect(evicted).toEqual([]);
  });

  it("evicts the least recently hit rows beyond maxEntries", async () => {
    const { l2, evicted } = store({ maxEntries: 3 });
    const rows = Array.from({ length: 6 }, (_, i) =>
      makeEntry({ lastHitAt: minutes(i), agentId: `agent_${i}` }),
    );
    for (const row of rows) await l2.put(row);
    // A hit makes the oldest row the most recent one.
    await l2.touch(rows[0]!.key, minutes(100));
    expect(await l2.sweep()).toEqual({ expired: 0, evicted: 3 });
    const kept = await Promise.all(rows.map(async (r) => (await l2.get(r.key)) !== null));
    expect(kept).toEqual([true, false, false, false, true, true]);
    expect(evicted.map((e) => e.agentId).sort()).toEqual(["agent_1", "agent_2", "agent_3"]);
    expect(evicted[0]).toMatchObject({ teamId: "team_a", model: "claude-sonnet-4-5" });
  });

  it("evicts the least recently hit rows until the bytes fit maxBytes, across teams", async () => {
    const { l2 } = store({ maxBytes: 1_000 });
    const rows = Array.from({ length: 5 }, (_, i) =>
      makeEntry({ sizeBytes: 300, lastHitAt: minutes(i), teamId: i % 2 ? "team_b" : "team_a" }),
    );
    for (const row of rows) await l2.put(row);
    expect(await l2.sweep()).toEqual({ expired: 0, evicted: 2 });
    expect(await l2.totals()).toEqual({ entries: 3, bytes: 900 });
    expect(await l2.get(rows[0]!.key)).toBeNull();
    expect(await l2.get(rows[1]!.key)).toBeNull();
    expect(await l2.sweep()).toEqual({ expired: 0, evicted: 0 });
  });

  it("keeps another team's rows when one team writes past its quota: the sweep evicts that team's own oldest first", async () => {
    const { l2, evicted } = store({
      maxEntries: 20,
      maxBytes: 10_000,
      teamMaxEntries: 8,
      teamMaxBytes: 2_000,
    });
    // B's rows are the least recently hit of all: a global LRU would take them first.
    const b = Array.from({ length: 3 }, (_, i) =>
      makeEntry({ teamId: "team_b", sizeBytes: 100, lastHitAt: minutes(i) }),
    );
    const a = Array.from({ length: 30 }, (_, i) =>
      makeEntry({ sizeBytes: 100, lastHitAt: minutes(100 + i) }),
    );
    for (const row of [...b, ...a]) await l2.put(row);
    expect(await l2.sweep()).toEqual({ expired: 0, evicted: 22 });
    for (const row of b) expect(await l2.get(row.key)).not.toBeNull();
    expect(await l2.totals("team_a")).toEqual({ entries: 8, bytes: 800 });
    expect(evicted.every((e) => e.teamId === "team_a")).toBe(true);
    // The 8 kept are A's most recently hit.
    for (const row of a.slice(-8)) expect(await l2.get(row.key)).not.toBeNull();

    // The byte quota too: A's large rows push out only A's.
    const big = Array.from({ length: 4 }, (_, i) =>
      makeEntry({ sizeBytes: 700, lastHitAt: minutes(200 + i) }),
    );
    for (const row of big) await l2.put(row);
    await l2.sweep();
    for (const row of b) expect(await l2.get(row.key)).not.toBeNull();
    expect((await l2.totals("team_a")).bytes).toBeLessThanOrEqual(2_000);
    expect(await l2.get(big[3]!.key)).not.toBeNull();
  });

  describe("purge, scoped to a team", () => {
    const seed = async () => {
      const { l2 } = store();
      const rows = {
        a1: makeEntry({ agentId: "agent_1", model: "m1", createdAt: minutes(0) }),
        a2: makeEntry({ agentId: "agent_2", model: "m1", createdAt: minutes(10) }),
        a3: makeEntry({ agentId: "agent_1", model: "m2", createdAt: minutes(20) }),
        b1: makeEntry({ teamId: "team_b", agentId: "agent_1", model: "m1", createdAt: minutes(0) }),
      };
      for (const row of Object.values(rows)) await l2.put(row);
      const left = async () =>
        Object.fromEntries(
          await Promise.all(
            Object.entries(rows).map(async ([n, r]) => [n, (await l2.get(r.key)) !== null]),
          ),
        );
      return { l2, rows, left };
    };

    it("by agent", async () => {
      const { l2, left } = await seed();
      expect(await l2.purge({ teamId: "team_a", agentId: "agent_1" })).toBe(2);
      expect(await left()).toEqual({ a1: false, a2: true, a3: false, b1: true });
    });

    it("by model", async () => {
      const { l2, left } = await seed();
      expect(await l2.purge({ teamId: "team_a", model: "m1" })).toBe(2);
      expect(await left()).toEqual({ a1: false, a2: false, a3: true, b1: true });
    });

    it("by age", async () => {
      const { l2, left } = await seed();
      expect(await l2.purge({ teamId: "team_a", olderThan: minutes(15) })).toBe(2);
      expect(await left()).toEqual({ a1: false, a2: false, a3: true, b1: true });
    });

    it("by key, never another team's", async () => {
      const { l2, rows, left } = await seed();
      expect(await l2.purge({ teamId: "team_a", key: rows.b1.key })).toBe(0);
      expect(await l2.purge({ teamId: "team_a", key: rows.a2.key })).toBe(1);
      expect(await left()).toEqual({ a1: true, a2: false, a3: true, b1: true });
    });

    it("everything of the team", async () => {
      const { l2, left } = await seed();
      expect(await l2.purge({ teamId: "team_a" })).toBe(3);
      expect(await left()).toEqual({ a1: false, a2: false, a3: false, b1: true });
    });
  });

  it("lists a team's entries with filters, search, sorts and cursors", async () => {
    const { l2 } = store();
    const rows = Array.from({ length: 7 }, (_, i) =>
      makeEntry({
        hitCount: i,
        sizeBytes: 100 + ((i * 37) % 7),
        lastHitAt: minutes(i),
        createdAt: minutes(-i),
        model: i < 2 ? "claude-haiku-4-5" : "claude-sonnet-4-5",
        request: { messages: [{ role: "user", content: i === 3 ? "50% off_sale" : `hello ${i}` }] },
      }),
    );
    for (const row of rows) await l2.put(row);
    await l2.put(makeEntry({ teamId: "team_b", hitCount: 99 }));

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await l2.list({ teamId: "team_a", sort: "hits", limit: 3, cursor });
      pages.push(page.entries.map((e) => e.key));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual([...rows].reverse().map((r) => r.key));

    for (const sort of ["lastHit", "created", "size"] as const) {
      const all: string[] = [];
      let next: string | undefined;
      do {
        const page = await l2.list({ teamId: "team_a", sort, limit: 2, cursor: next });
        all.push(...page.entries.map((e) => e.key));
        next = page.nextCursor ?? undefined;
      } while (next !== undefined);
      expect(new Set(all).size).toBe(7);
    }

    const list = (q: Partial<Parameters<typeof l2.list>[0]>) =>
      l2.list({ teamId: "team_a", sort: "hits", limit: 50, ...q }).then((r) => r.entries);
    expect((await list({ model: "claude-haiku-4-5" })).map((e) => e.hitCount)).toEqual([1, 0]);
    expect((await list({ minHits: 5 })).map((e) => e.hitCount)).toEqual([6, 5]);
    expect((await list({ olderThan: minutes(-4) })).map((e) => e.hitCount)).toEqual([6, 5]);
    expect((await list({ search: "haiku" })).length).toBe(2);
    expect((await list({ search: "50% off_" })).map((e) => e.hitCount)).toEqual([3]);
    expect((await list({ search: "5_%" })).length).toBe(0);
    expect((await list({ search: rows[4]!.key.slice(0, 12).toUpperCase() }))[0]?.key).toBe(
      rows[4]!.key,
    );
    expect(await list({ agentId: "nobody" })).toEqual([]);
    const [first] = await list({});
    expect(first).not.toHaveProperty("response");
    await expect(
      l2.list({ teamId: "team_a", sort: "size", limit: 1, cursor: "junk" }),
    ).rejects.toThrow("invalid cursor");
  });

  it("inspects only the given team's rows, and reports totals and the most requested", async () => {
    const { l2 } = store();
    const a = makeEntry({ hitCount: 3, sizeBytes: 10 });
    const b = makeEntry({ hitCount: 9, sizeBytes: 20 });
    const other = makeEntry({ teamId: "team_b", hitCount: 50, sizeBytes: 40 });
    for (const row of [a, b, other]) await l2.put(row);
    expect(await l2.inspect({ teamId: "team_a", key: a.key })).toEqual(a);
    expect(await l2.inspect({ teamId: "team_a", key: other.key })).toBeNull();
    expect(await l2.totals("team_a")).toEqual({ entries: 2, bytes: 30 });
    expect(await l2.totals()).toEqual({ entries: 3, bytes: 70 });
    expect(await l2.totals("nobody")).toEqual({ entries: 0, bytes: 0 });
    expect((await l2.topRequested("team_a", 5)).map((e) => e.key)).toEqual([b.key, a.key]);
    expect((await l2.topRequested("team_a", 1))[0]?.request).toEqual(b.request);
  });
});
