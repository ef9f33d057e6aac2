import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { acquireAll, createFairSemaphore, createSemaphore } from "@/lib/orchestrator";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("createFairSemaphore", () => {
  it("serves another team while one team's hung calls hold all the permits they may", async () => {
    // The attack: sixteen hanging calls from one team, then another team's call.
    const pool = createFairSemaphore({ limit: 16, perTeam: 12 });
    const hung = await Promise.all(
      Array.from({ length: 12 }, () => pool.acquire({ teamId: "noisy", keyId: "k1" })),
    );
    let queuedNoisy = 0;
    for (let i = 0; i < 4; i += 1) void pool.acquire({ teamId: "noisy" }).then(() => queuedNoisy++);
    await tick();
    expect(queuedNoisy).toBe(0);

    const other = await pool.acquire({ teamId: "quiet" });
    expect(pool.stats().teams).toContainEqual({ teamId: "quiet", active: 1, waiting: 0 });
    other();
    for (const release of hung) release();
  });

  it("takes turns between teams instead of serving the earliest burst first", async () => {
    const pool = createFairSemaphore({ limit: 1 });
    const first = await pool.acquire({ teamId: "a" });
    const order: string[] = [];
    const waiters = ["a1", "a2", "a3", "b1", "b2", "c1"].map((name) =>
      pool.acquire({ teamId: name[0] }).then((release) => {
        order.push(name);
        release();
      }),
    );
    first();
    await Promise.all(waiters);
    expect(order).toEqual(["a1", "b1", "c1", "a2", "b2", "a3"]);
    expect(pool.stats()).toMatchObject({ active: 0, waiting: 0, limit: 1 });
  });

  it("caps one key inside a team while the team's other keys go on", async () => {
    const pool = createFairSemaphore({ limit: 10, perTeam: 10, perKey: 2 });
    await pool.acquire({ teamId: "t", keyId: "busy" });
    await pool.acquire({ teamId: "t", keyId: "busy" });
    let third = false;
    void pool.acquire({ teamId: "t", keyId: "busy" }).then(() => (third = true));
    await tick();
    expect(third).toBe(false);
    // A different key of the same team is not stuck behind the capped one.
    const fresh = await pool.acquire({ teamId: "t", keyId: "other" });
    expect(pool.stats().active).toBe(3);
    fresh();
  });

  it("hands a released permit to the capped team's waiter once it is under its cap", async () => {
    const pool = createFairSemaphore({ limit: 4, perTeam: 1 });
    const held = await pool.acquire({ teamId: "a" });
    let second = false;
    void pool.acquire({ teamId: "a" }).then(() => (second = true));
    await tick();
    expect(second).toBe(false);
    held();
    await tick();
    expect(second).toBe(true);
  });

  it("removes an aborted waiter and rejects it as cancelled", async () => {
    const pool = createFairSemaphore({ limit: 1 });
    const held = await pool.acquire({ teamId: "a" });
    const controller = new AbortController();
    const waiting = pool.acquire({ teamId: "b" }, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toSatisfy((e) => e instanceof AppError && e.code === "cancelled");
    expect(pool.stats().waiting).toBe(0);
    held();
    expect(pool.stats().active).toBe(0);
  });

  it("releases each permit once, however often release is called", async () => {
    const pool = createFairSemaphore({ limit: 2 });
    const release = await pool.acquire({ teamId: "a" });
    release();
    release();
    expect(pool.stats().active).toBe(0);
  });

  it("works as a plain Semaphore bound to one tenant, behind a run's own limit", async () => {
    const pool = createFairSemaphore({ limit: 2, perTeam: 1 });
    const view = pool.forTenant({ teamId: "a" });
    const release = await acquireAll([createSemaphore(4), view]);
    expect(view.stats()).toEqual({ active: 1, waiting: 0, limit: 2 });
    release();
    expect(pool.stats().active).toBe(0);
  });

  it("refuses nonsensical limits", () => {
    expect(() => createFairSemaphore({ limit: 0 })).toThrow(RangeError);
    expect(() => createFairSemaphore({ limit: 2, perTeam: 0 })).toThrow(RangeError);
  });
});
