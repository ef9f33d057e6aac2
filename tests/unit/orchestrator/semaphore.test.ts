import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { acquireAll, createSemaphore } from "@/lib/orchestrator";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("createSemaphore", () => {
  it("grants permits up to its limit, then queues the rest", async () => {
    const semaphore = createSemaphore(2);
    await semaphore.acquire();
    await semaphore.acquire();
    let third = false;
    void semaphore.acquire().then(() => (third = true));
    await tick();
    expect(third).toBe(false);
    expect(semaphore.stats()).toEqual({ active: 2, waiting: 1, limit: 2 });
  });

  it("hands permits to waiters in the order they arrived", async () => {
    const semaphore = createSemaphore(1);
    const first = await semaphore.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      semaphore.acquire().then((release) => {
        order.push(n);
        return release;
      }),
    );
    first();
    for (const waiter of waiters) (await waiter)();
    expect(order).toEqual([1, 2, 3]);
    expect(semaphore.stats()).toEqual({ active: 0, waiting: 0, limit: 1 });
  });

  it("does not let a newcomer take a permit that a waiter is owed", async () => {
    const semaphore = createSemaphore(1);
    const release = await semaphore.acquire();
    const order: string[] = [];
    const waiting = semaphore.acquire().then((r) => (order.push("waiter"), r));
    release();
    const newcomer = semaphore.acquire().then((r) => (order.push("newcomer"), r));
    (await waiting)();
    (await newcomer)();
    expect(order).toEqual(["waiter", "newcomer"]);
  });

  it("removes an aborted waiter from the queue and rejects it with cancelled", async () => {
    const semaphore = createSemaphore(1);
    const release = await semaphore.acquire();
    const controller = new AbortController();
    const aborted = semaphore.acquire(controller.signal);
    const next = semaphore.acquire();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: "cancelled" });
    expect(semaphore.stats().waiting).toBe(1);
    release();
    (await next)();
    expect(semaphore.stats()).toEqual({ active: 0, waiting: 0, limit: 1 });
  });

  it("rejects at once when the signal is already aborted", async () => {
    const semaphore = createSemaphore(1);
    await expect(semaphore.acquire(AbortSignal.abort())).rejects.toBeInstanceOf(AppError);
    expect(semaphore.stats().active).toBe(0);
  });

  it("ignores a second call of the same release", async () => {
    const semaphore = createSemaphore(2);
    const release = await semaphore.acquire();
    await semaphore.acquire();
    release();
    release();
    expect(semaphore.stats().active).toBe(1);
  });

  it("refuses a limit below one", () => {
    expect(() => createSemaphore(0)).toThrow(RangeError);
  });
});

describe("acquireAll", () => {
  it("gives back the permits it holds when a later semaphore's wait is aborted", async () => {
    const run = createSemaphore(1);
    const global = createSemaphore(1);
    const blocker = await global.acquire();
    const controller = new AbortController();
    const both = acquireAll([run, global], controller.signal);
    await tick();
    expect(run.stats().active).toBe(1);
    controller.abort();
    await expect(both).rejects.toMatchObject({ code: "cancelled" });
    expect(run.stats().active).toBe(0);
    blocker();
  });

  it("releases every permit with one idempotent call", async () => {
    const run = createSemaphore(1);
    const global = createSemaphore(1);
    const release = await acquireAll([run, global]);
    expect([run.stats().active, global.stats().active]).toEqual([1, 1]);
    release();
    release();
    expect([run.stats().active, global.stats().active]).toEqual([0, 0]);
  });
});
