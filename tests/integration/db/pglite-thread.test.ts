/**
 * Embedded PGlite on its own thread (lib/db/pglite-thread.ts) against PGlite in this thread: the
 * same answers, the same errors, the same transactions, and this thread free while it works.
 */
import { messages, PGlite, types } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGliteThread } from "@/lib/db/pglite-thread";

let thread: PGliteThread;
let local: PGlite;

beforeAll(async () => {
  thread = new PGliteThread("memory://");
  local = new PGlite("memory://");
  await Promise.all([thread.waitReady, local.waitReady]);
  for (const db of [thread, local]) {
    await db.exec(`CREATE TABLE t (id int PRIMARY KEY, at timestamptz, doc jsonb, n bigint,
      amount numeric, bytes bytea, tags text[])`);
  }
});

afterAll(async () => {
  await thread?.close();
  await local?.close();
});

const ROW = `INSERT INTO t VALUES (1, '2026-12-03T10:00:00.123Z', '{"a":[1,"x"]}', 9007199254740993,
  '12.50', '\\x0001ff', ARRAY['a', NULL, 'c']), (2, NULL, NULL, NULL, NULL, NULL, NULL)`;

describe("PGliteThread", () => {
  it("answers a query with the rows, fields and types PGlite gives in this thread", async () => {
    await thread.query(ROW);
    await local.query(ROW);
    const sql = "SELECT * FROM t ORDER BY id";
    const fromThread = await thread.query(sql);
    const fromLocal = await local.query(sql);
    expect(fromThread.rows).toEqual(fromLocal.rows);
    expect(fromThread.fields).toEqual(fromLocal.fields);
    expect((fromThread.rows[0] as { at: unknown }).at).toBeInstanceOf(Date);
    expect((fromThread.rows[0] as { bytes: unknown }).bytes).toBeInstanceOf(Uint8Array);
    // Parameters cross too: a Date, a bigint-sized string, an array.
    const params = [new Date("2026-01-02T03:04:05.678Z"), ["p", "q"]];
    const echo = "SELECT $1::timestamptz AS at, $2::text[] AS tags";
    expect((await thread.query(echo, params)).rows).toEqual((await local.query(echo, params)).rows);
  });

  it("runs a caller's parsers here, on rows as arrays or objects, leaving NULLs alone", async () => {
    const seen: number[] = [];
    const parsers = {
      [types.NUMERIC]: (value: string) => `numeric:${value}`,
      [types.INT8]: (value: string, type?: number) => {
        seen.push(type ?? -1);
        return `int8:${value}`;
      },
    };
    const sql = "SELECT id, n, amount FROM t ORDER BY id";
    for (const rowMode of ["array", "object"] as const) {
      const fromThread = await thread.query(sql, [], { rowMode, parsers });
      const fromLocal = await local.query(sql, [], { rowMode, parsers });
      expect(fromThread.rows).toEqual(fromLocal.rows);
    }
    const arrays = await thread.query<unknown[]>(sql, [], { rowMode: "array", parsers });
    expect(arrays.rows).toEqual([
      [1, "int8:9007199254740993", "numeric:12.50"],
      [2, null, null],
    ]);
    // PGlite passes the type's id as well; so does the thread.
    expect(new Set(seen)).toEqual(new Set([types.INT8]));
  });

  it("rejects with PGlite's own DatabaseError, its SQLSTATE and fields intact", async () => {
    const error = await thread.query("INSERT INTO t (id) VALUES (1)").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(messages.DatabaseError);
    expect(error).toMatchObject({
      code: "23505",
      severity: "ERROR",
      table: "t",
      constraint: "t_pkey",
      detail: "Key (id)=(1) already exists.",
    });
    // The session is usable afterwards.
    expect((await thread.query("SELECT count(*)::int AS c FROM t")).rows).toEqual([{ c: 2 }]);
  });

  it("commits a transaction whose callback resolves and rolls back one that rejects", async () => {
    const value = await thread.transaction(async (tx) => {
      await tx.query("INSERT INTO t (id) VALUES (10)");
      await tx.exec("INSERT INTO t (id) VALUES (11); INSERT INTO t (id) VALUES (12)");
      return "done";
    });
    expect(value).toBe("done");
    const failure = await thread
      .transaction(async (tx) => {
        await tx.query("INSERT INTO t (id) VALUES (20)");
        throw new Error("changed my mind");
      })
      .catch((e: Error) => e.message);
    expect(failure).toBe("changed my mind");
    await thread.transaction(async (tx) => {
      await tx.query("INSERT INTO t (id) VALUES (30)");
      await tx.rollback();
    });
    const ids = await thread.query<{ id: number }>("SELECT id FROM t WHERE id >= 10 ORDER BY id");
    expect(ids.rows.map((r) => r.id)).toEqual([10, 11, 12]);
  });

  it("holds a statement from outside until an open transaction ends, as PGlite does", async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tx = thread.transaction(async (t) => {
      await t.query("INSERT INTO t (id) VALUES (40)");
      order.push("tx wrote");
      await held;
      order.push("tx ends");
    });
    // Wait until the transaction has written, then query from outside it.
    while (!order.includes("tx wrote")) await new Promise((r) => setTimeout(r, 5));
    const outside = thread
      .query<{ c: number }>("SELECT count(*)::int AS c FROM t WHERE id = 40")
      .then((r) => {
        order.push(`outside saw ${r.rows[0]!.c}`);
      });
    await new Promise((r) => setTimeout(r, 50));
    release();
    await Promise.all([tx, outside]);
    expect(order).toEqual(["tx wrote", "tx ends", "outside saw 1"]);
  });

  it("leaves this thread free while the database works", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    // Seconds of CPU in PGlite; in this thread, no timer would fire until it returned.
    await thread.query("SELECT sum(g) FROM generate_series(1, 4000000) AS g");
    clearInterval(timer);
    expect(ticks).toBeGreaterThanOrEqual(5);
    // The same work in this thread blocks it: the contrast that makes the check mean something.
    ticks = 0;
    const blocking = setInterval(() => ticks++, 5);
    await local.query("SELECT sum(g) FROM generate_series(1, 4000000) AS g");
    const during = ticks;
    clearInterval(blocking);
    expect(during).toBeLessThanOrEqual(1);
  });

  it("rejects calls once closed, with a message that says why", async () => {
    const db = new PGliteThread("memory://");
    await db.waitReady;
    await db.close();
    await expect(db.query("SELECT 1")).rejects.toThrow(/embedded database's thread exited/);
  });
});
