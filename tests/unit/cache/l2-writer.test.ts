import { describe, expect, it, vi } from "vitest";
import type { CacheLogger } from "@/lib/cache/entry-store";
import type { StoredEntry } from "@/lib/cache/l2-store";
import { L2Writer } from "@/lib/cache/l2-writer";
import { createMemoryL2Store } from "./fixtures/memory-l2-store";

const row = (key: string, teamId = "team_a"): StoredEntry => ({
  key,
  teamId,
  agentId: null,
  model: "m",
  request: {},
  response: `answer ${key}`,
  encrypted: false,
  hmac: "0".repeat(64),
  sizeBytes: 10,
  inputTokens: 1,
  outputTokens: 2,
  latencyMs: 50,
  hitCount: 0,
  createdAt: new Date(0),
  lastHitAt: new Date(0),
  expiresAt: null,
});

function setup(options: { maxPending?: number; maxBatch?: number } = {}) {
  const l2 = createMemoryL2Store();
  const statements: number[] = [];
  const putMany = vi.fn(async (entries: StoredEntry[]) => {
    if (entries.some((e) => e.teamId === "gone")) throw new Error("foreign key violation");
    statements.push(entries.length);
    for (const entry of entries) l2.rows.set(entry.key, entry);
  });
  const logger: CacheLogger = { warn: vi.fn(), error: vi.fn() };
  const writer = new L2Writer({ l2: { ...l2, putMany }, logger, delayMs: 5, ...options });
  return { l2, writer, statements, logger };
}

describe("L2Writer", () => {
  it("writes a burst of rows in one statement per batch, after a short delay", async () => {
    const { l2, writer, statements } = setup({ maxBatch: 4 });
    const released: string[] = [];
    for (let i = 0; i < 10; i++) {
      writer.push({ entry: () => row(`k${i}`), after: async () => void released.push(`k${i}`) });
    }
    expect(l2.rows.size).toBe(0);
    await vi.waitFor(() => expect(writer.busy()).toBe(false));
    expect(statements).toEqual([4, 4, 2]);
    expect(l2.rows.size).toBe(10);
    expect(released).toHaveLength(10);
    expect(writer.stats()).toEqual({ written: 10, dropped: 0, failed: 0, pending: 0 });
  });

  it("writes a lone row with the batch statement too, not the per-row fallback", async () => {
    const { l2, writer, statements } = setup();
    writer.push({ entry: () => row("only") });
    await vi.waitFor(() => expect(writer.busy()).toBe(false));
    // The per-row path (Prisma's upsert on the real store) costs far more per row.
    expect(statements).toEqual([1]);
    expect(l2.calls.put).toBe(0);
    expect(l2.rows.has("only")).toBe(true);
  });

  it("counts a lone row the batch statement refused as failed, without a second attempt", async () => {
    const { l2, writer, logger } = setup();
    writer.push({ entry: () => row("lonely", "gone") });
    await vi.waitFor(() => expect(writer.busy()).toBe(false));
    expect(l2.calls.put).toBe(0);
    expect(l2.rows.has("lonely")).toBe(false);
    expect(writer.stats()).toMatchObject({ written: 0, failed: 1 });
    expect(logger.error).toHaveBeenCalledWith("could not write cache entries to L2", {
      failed: 1,
      of: 1,
      error: "Error: foreign key violation",
    });
  });

  it("keeps at most maxPending rows waiting: the oldest are dropped, counted and released", async () => {
    const { l2, writer, logger } = setup({ maxPending: 3 });
    const released: string[] = [];
    for (let i = 0; i < 8; i++) {
      writer.push({ entry: () => row(`k${i}`), after: async () => void released.push(`k${i}`) });
    }
    expect(writer.stats()).toMatchObject({ dropped: 5, pending: 3 });
    // Dropped rows release their lock at once: nobody waits for a row that will never come.
    expect(released).toEqual(["k0", "k1", "k2", "k3", "k4"]);
    await writer.flush();
    expect([...l2.rows.keys()]).toEqual(["k5", "k6", "k7"]);
    expect(writer.stats()).toEqual({ written: 3, dropped: 5, failed: 0, pending: 0 });
    expect(logger.warn).toHaveBeenCalledWith(
      "L2 writes fell behind; dropped the oldest unwritten entries",
      { dropped: 5 },
    );
  });

  it("writes the good rows of a refused batch one by one and counts the bad one", async () => {
    const { l2, writer, logger } = setup();
    writer.push({ entry: () => row("a") });
    writer.push({ entry: () => row("b", "gone") });
    writer.push({
      entry: () => {
        throw new Error("cannot seal");
      },
    });
    writer.push({ entry: () => row("c") });
    await writer.flush();
    expect([...l2.rows.keys()].sort()).toEqual(["a", "b", "c"]);
    // The memory store has no foreign keys: "b" is accepted row by row; sealing "cannot seal" failed.
    expect(l2.calls.put).toBe(3);
    expect(writer.stats()).toMatchObject({ written: 3, failed: 1 });
    expect(logger.error).toHaveBeenCalledWith("could not seal a cache entry for L2", {
      error: "Error: cannot seal",
    });
  });

  it("runs one flush at a time: a flush asked for meanwhile waits for the running one", async () => {
    const l2 = createMemoryL2Store();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const batches: string[][] = [];
    const putMany = async (entries: StoredEntry[]) => {
      batches.push(entries.map((e) => e.key));
      if (batches.length === 1) await gate;
    };
    const writer = new L2Writer({ l2: { ...l2, putMany }, logger: { warn() {}, error() {} } });
    writer.push({ entry: () => row("a") });
    writer.push({ entry: () => row("b") });
    const first = writer.flush();
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    writer.push({ entry: () => row("c") });
    writer.push({ entry: () => row("d") });
    const second = writer.flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(batches).toEqual([["a", "b"]]);
    open();
    await Promise.all([first, second]);
    expect(batches).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
  });
});
