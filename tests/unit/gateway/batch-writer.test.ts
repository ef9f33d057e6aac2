import { afterEach, describe, expect, it, vi } from "vitest";
import { createBatchWriter } from "@/lib/gateway/batch-writer";

/** A store that refuses any statement containing a row marked bad, or everything while down. */
function fakeStore() {
  const rows: string[] = [];
  const state = { down: false, inserts: 0 };
  return {
    rows,
    state,
    insert: async (batch: string[]) => {
      state.inserts++;
      if (state.down)
        throw Object.assign(new Error("connection refused"), { code: "ECONNREFUSED" });
      if (batch.some((r) => r.includes("\u0000"))) {
        throw Object.assign(new Error("invalid byte sequence"), { code: "22021" });
      }
      rows.push(...batch);
    },
    isRowError: (e: unknown) => (e as { code?: string }).code === "22021",
  };
}

afterEach(() => vi.useRealTimers());

describe("the batch writer", () => {
  it("writes rows in batches after a delay, not one statement per row", async () => {
    vi.useFakeTimers();
    const store = fakeStore();
    const writer = createBatchWriter({ ...store, onDrop: () => {}, flushMs: 200, maxBatch: 100 });
    for (let i = 0; i < 250; i++) writer.write(`row ${i}`);
    await vi.advanceTimersByTimeAsync(200);
    await writer.flush();
    expect(store.rows).toHaveLength(250);
    expect(store.state.inserts).toBe(3);
  });

  it("lets other work run between the statements of one flush", async () => {
    const events: string[] = [];
    const writer = createBatchWriter<string>({
      insert: async (batch) => {
        // Work that arrives while the first statement runs (a request, on an embedded database).
        if (events.length === 0) setImmediate(() => events.push("other work"));
        events.push(`insert ${batch.join(",")}`);
      },
      isRowError: () => false,
      onDrop: () => {},
      maxBatch: 2,
    });
    for (const row of ["a", "b", "c", "d", "e", "f"]) writer.write(row);
    await writer.flush();
    expect(events).toEqual(["insert a,b", "other work", "insert c,d", "insert e,f"]);
  });

  it("isolates a poisoned row, drops it with a count, and writes every row around it", async () => {
    const store = fakeStore();
    const drops: string[] = [];
    const writer = createBatchWriter({
      ...store,
      onDrop: (reason) => drops.push(reason),
      maxBatch: 64,
    });
    for (let i = 0; i < 40; i++) writer.write(i === 17 ? "bad \u0000 row" : `row ${i}`);
    await writer.flush();
    for (let i = 0; i < 10; i++) writer.write(`later ${i}`);
    await writer.flush();
    expect(store.rows).toHaveLength(49);
    expect(store.rows).toContain("later 9");
    expect(drops).toEqual(["rejected"]);
    expect(writer.stats()).toEqual({ written: 49, dropped: 1, pending: 0 });
    // Bisecting 40 rows around one bad row costs a handful of statements, not 40.
    expect(store.state.inserts).toBeLessThan(16);
  });

  it("keeps every row through a store outage and writes them once it is back", async () => {
    vi.useFakeTimers();
    const store = fakeStore();
    const writer = createBatchWriter({ ...store, onDrop: () => {}, retryMs: 5_000 });
    store.state.down = true;
    for (let i = 0; i < 5; i++) writer.write(`row ${i}`);
    await writer.flush();
    expect(writer.stats()).toMatchObject({ written: 0, dropped: 0, pending: 5 });
    store.state.down = false;
    await vi.advanceTimersByTimeAsync(5_000);
    await writer.flush();
    expect(store.rows).toEqual(["row 0", "row 1", "row 2", "row 3", "row 4"]);
  });

  it("drops the oldest rows past its bound during a long outage, and says how many", async () => {
    const store = fakeStore();
    store.state.down = true;
    const dropped: number[] = [];
    const writer = createBatchWriter({
      ...store,
      onDrop: (_reason, _error, count) => dropped.push(count),
      maxBuffer: 10,
    });
    for (let i = 0; i < 15; i++) writer.write(`row ${i}`);
    expect(dropped.reduce((a, b) => a + b, 0)).toBe(5);
    expect(writer.stats()).toMatchObject({ dropped: 5, pending: 10 });
    store.state.down = false;
    await writer.close();
    expect(store.rows[0]).toBe("row 5");
  });
});
