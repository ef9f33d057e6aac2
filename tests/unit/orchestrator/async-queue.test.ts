import { describe, expect, it, vi } from "vitest";
import { AsyncQueue } from "@/lib/orchestrator/async-queue";

describe("AsyncQueue", () => {
  it("delivers pushed items in order to a waiting reader and ends on close", async () => {
    const queue = new AsyncQueue<number>();
    const read = (async () => {
      const items: number[] = [];
      for await (const item of queue) items.push(item);
      return items;
    })();
    await queue.push(1);
    await queue.push(2);
    queue.close();
    await expect(read).resolves.toEqual([1, 2]);
  });

  it("holds producers back at the high-water mark until the reader catches up", async () => {
    const queue = new AsyncQueue<number>({ highWaterMark: 2 });
    await queue.push(1);
    let released = false;
    const second = queue.push(2).then(() => (released = true));
    await Promise.resolve();
    expect(released).toBe(false);
    await queue.next();
    await second;
    expect(released).toBe(true);
  });

  it("surfaces a close error to the reader after the buffered items", async () => {
    const queue = new AsyncQueue<number>();
    await queue.push(1);
    queue.close(new Error("boom"));
    await expect(queue.next()).resolves.toEqual({ value: 1, done: false });
    await expect(queue.next()).rejects.toThrow("boom");
    await expect(queue.next()).resolves.toMatchObject({ done: true });
  });

  it("tells its owner once when the reader returns early and drops later pushes", async () => {
    const onReturn = vi.fn();
    const queue = new AsyncQueue<number>({ onReturn, highWaterMark: 1 });
    const blocked = queue.push(1);
    await queue.return();
    await queue.return();
    await blocked; // freed by return()
    await queue.push(2);
    expect(onReturn).toHaveBeenCalledTimes(1);
    await expect(queue.next()).resolves.toMatchObject({ done: true });
  });
});
