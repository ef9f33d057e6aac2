import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pollUntil } from "@/lib/cache/poll-until";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("pollUntil", () => {
  it("backs off from minMs, doubling up to maxMs, until the check passes", async () => {
    const checks: number[] = [];
    let free = false;
    const start = Date.now();
    const polling = pollUntil(
      async () => {
        checks.push(Date.now() - start);
        return free;
      },
      { timeoutMs: 10_000, minMs: 25, maxMs: 200 },
    );
    await vi.advanceTimersByTimeAsync(25 + 50 + 100 + 200 + 200);
    free = true;
    await vi.advanceTimersByTimeAsync(200);
    await polling;
    expect(checks).toEqual([0, 25, 75, 175, 375, 575, 775]);
  });

  it("gives up quietly at the timeout", async () => {
    const polling = pollUntil(async () => false, { timeoutMs: 300, minMs: 25, maxMs: 200 });
    await vi.advanceTimersByTimeAsync(300);
    await expect(polling).resolves.toBeUndefined();
  });

  it("rejects when the signal aborts", async () => {
    const controller = new AbortController();
    const polling = pollUntil(async () => false, {
      timeoutMs: 10_000,
      minMs: 25,
      maxMs: 200,
      signal: controller.signal,
    });
    const settled = expect(polling).rejects.toThrow("stop");
    await vi.advanceTimersByTimeAsync(60);
    controller.abort(new Error("stop"));
    await settled;
  });
});
