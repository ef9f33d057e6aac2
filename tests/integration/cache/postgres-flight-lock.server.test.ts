import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresFlightLock } from "@/lib/cache/postgres-flight-lock";
import { serverUrl } from "../../helpers/db";
import { randomPrefix } from "./helpers";

/** Longer than the test's own timeout: a lock or wait given this never lapses within the test. */
const NEVER_MS = 120_000;

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

  it("resolves waitForRelease when the holder releases, without taking the lock itself", async () => {
    const [one, two] = pair();
    const handle = await one.acquire("k", { ttlMs: NEVER_MS });
    const events: string[] = [];
    const waiting = two
      .waitForRelease("k", { timeoutMs: NEVER_MS })
      .then(() => events.push("waiter woke"));
    await new Promise((r) => setTimeout(r, 100));
    expect(await two.acquire("k", { ttlMs: 10_000 })).toBeNull();
    events.push("holder releases");
    await handle?.release();
    await waiting;
    // Neither the lock nor the wait can time out within the test: the release woke the waiter.
    expect(events).toEqual(["holder releases", "waiter woke"]);
    await two.waitForRelease("other", { timeoutMs: NEVER_MS });
  });

  it("gives up waiting on its timeout or abort while the holder keeps the key", async () => {
    const [one, two] = pair();
    const held = await one.acquire("k", { ttlMs: NEVER_MS });
    // The lock cannot lapse within the test, so returning here means the wait timed out.
    await two.waitForRelease("k", { timeoutMs: 100 });
    expect(await two.acquire("k", { ttlMs: 10_000 })).toBeNull();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("gone")), 20);
    await expect(
      two.waitForRelease("k", { timeoutMs: NEVER_MS, signal: controller.signal }),
    ).rejects.toThrow("gone");
    await held?.release();
  });

  it("frees the key one lease after its holder stops renewing (the server ends the session)", async () => {
    const [one, two] = pair();
    // A holder that never renews is what a frozen or cut-off one looks like to the server.
    const stale = await one.acquire("k", { ttlMs: 150, renewEveryMs: 0 });
    expect(stale).not.toBeNull();
    // Only the lapse can end this wait within the test.
    await two.waitForRelease("k", { timeoutMs: NEVER_MS });
    const fresh = await two.acquire("k", { ttlMs: 10_000 });
    expect(fresh).not.toBeNull();
    // The stale holder's session is gone: its release is harmless and frees nothing.
    await stale?.release();
    expect(await one.acquire("k", { ttlMs: 10_000 })).toBeNull();
    await fresh?.release();
  });

  it("keeps a live holder's lock past many leases by renewing it, and returns its session lease-free", async () => {
    const [one, two] = pair();
    const holder = await one.acquire("k", { ttlMs: 300, renewEveryMs: 30 });
    expect(holder).not.toBeNull();
    await new Promise((r) => setTimeout(r, 1200));
    expect(await two.acquire("k", { ttlMs: 10_000 })).toBeNull();
    await holder?.release();
    const client = await poolA.connect();
    try {
      const { rows } = await client.query("SHOW idle_session_timeout");
      expect(rows[0].idle_session_timeout).toBe("0");
    } finally {
      client.release();
    }
  });
});
