import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresFlightLock } from "@/lib/cache/postgres-flight-lock";
import { serverUrl } from "../../helpers/db";
import { randomPrefix } from "./helpers";

// Advisory locks need a server: on PGlite (one session) the local lock is used instead.
describe("createPostgresFlightLock", () => {
  let poolA: pg.Pool;
  let poolB: pg.Pool;
  beforeAll(() => {
    poolA = new pg.Pool({ connectionString: serverUrl, max: 3 });
    poolB = new pg.Pool({ connectionString: serverUrl, max: 3 });
  });
  afterAll(async () => {
    await poolA?.end();
    await poolB?.end();
  });
  const pair = () => {
    const namespace = randomPrefix("pg-lock");
    return [
      createPostgresFlightLock(poolA, { namespace }),
      createPostgresFlightLock(poolB, { namespace }),
    ] as const;
  };

  it("gives the lock to only one of two acquirers, and returns idle sessions to the pool", async () => {
    const [one, two] = pair();
    const results = await Promise.all([
      one.acquire("k", { ttlMs: 10_000 }),
      two.acquire("k", { ttlMs: 10_000 }),
    ]);
    expect(results.filter((h) => h !== null)).toHaveLength(1);
    expect(poolA.totalCount - poolA.idleCount + poolB.totalCount - poolB.idleCount).toBe(1);
    await Promise.all(results.map((h) => h?.release()));
    expect(poolA.idleCount + poolB.idleCount).toBe(poolA.totalCount + poolB.totalCount);
    const again = await two.acquire("k", { ttlMs: 10_000 });
    expect(again).not.toBeNull();
    await again?.release();
    await again?.release();
  });

  it("resolves waitForRelease soon after release, without taking the lock itself", async () => {
    const [one, two] = pair();
    const handle = await one.acquire("k", { ttlMs: 10_000 });
    let resolved = false;
    const waiting = two.waitForRelease("k", { timeoutMs: 5_000 }).then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(resolved).toBe(false);
    expect(await two.acquire("k", { ttlMs: 10_000 })).toBeNull();
    const releasedAt = Date.now();
    await handle?.release();
    await waiting;
    expect(Date.now() - releasedAt).toBeLessThan(500);
    await two.waitForRelease("other", { timeoutMs: 5_000 });
  });

  it("frees the key when the TTL lapses, and when the waiter times out or aborts", async () => {
    const [one, two] = pair();
    await one.acquire("k", { ttlMs: 500 });
    const t = Date.now();
    await two.waitForRelease("k", { timeoutMs: 100 });
    expect(Date.now() - t).toBeLessThan(300);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("gone")), 20);
    await expect(
      two.waitForRelease("k", { timeoutMs: 5_000, signal: controller.signal }),
    ).rejects.toThrow("gone");
    await two.waitForRelease("k", { timeoutMs: 2_000 });
    const fresh = await two.acquire("k", { ttlMs: 10_000 });
    expect(fresh).not.toBeNull();
    await fresh?.release();
  });
});
