import { describe, expect, it } from "vitest";
import type { SqlQuery } from "@/lib/db";
import { batchedServedReader } from "@/lib/cache/l2-read-batch";

/** A database seam that records each statement's keys and answers rows for the keys it holds. */
function fakeSql(held: string[], fail?: Error) {
  const statements: string[][] = [];
  const sql = (async (_text: string, params?: unknown[]) => {
    const keys = params?.[0] as string[];
    statements.push([...keys]);
    if (fail) throw fail;
    return keys
      .filter((key) => held.includes(key))
      .map((key) => ({
        key,
        teamId: "team",
        agentId: null,
        model: "m",
        response: `answer for ${key}`,
        encrypted: false,
        hmac: "h",
        sizeBytes: "10",
        inputTokens: 1,
        outputTokens: 2,
        latencyMs: 3,
        hitCount: "4",
        createdAtMs: 1_000,
        lastHitAtMs: 2_000,
        expiresAtMs: null,
      }));
  }) as SqlQuery;
  return { sql, statements };
}

describe("batchedServedReader", () => {
  it("reads the keys asked for in one turn with one statement, each key once", async () => {
    const { sql, statements } = fakeSql(["a", "c"]);
    const read = batchedServedReader(sql);
    const [a, b, c, a2] = await Promise.all([read("a"), read("b"), read("c"), read("a")]);
    expect(statements).toEqual([["a", "b", "c"]]);
    expect(a?.response).toBe("answer for a");
    expect(a2).toEqual(a);
    expect(b).toBeNull();
    expect(c).toMatchObject({ key: "c", sizeBytes: 10, hitCount: 4, expiresAt: null });
    expect(c?.createdAt).toEqual(new Date(1_000));
  });

  it("starts a new statement for keys asked for after a turn's statement went out", async () => {
    const { sql, statements } = fakeSql(["a"]);
    const read = batchedServedReader(sql);
    await read("a");
    await read("a");
    expect(statements).toEqual([["a"], ["a"]]);
  });

  it("fails every caller of a turn whose read failed, and reads again the next turn", async () => {
    const failing = fakeSql([], new Error("connection lost"));
    const read = batchedServedReader(failing.sql);
    const results = await Promise.allSettled([read("a"), read("b")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect((results[0] as PromiseRejectedResult).reason.message).toBe("connection lost");
    await expect(read("c")).rejects.toThrow("connection lost");
    expect(failing.statements).toEqual([["a", "b"], ["c"]]);
  });
});
