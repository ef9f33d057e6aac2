import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { abortError, abortableSleep, anySignal, createTimeout, raceAbort } from "@/lib/async";
import { AppError } from "@/lib/errors";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("abortableSleep", () => {
  it("resolves after the time has passed, not before", async () => {
    let done = false;
    void abortableSleep(100).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(99);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it("rejects with the signal's reason as soon as it aborts, leaving no timer behind", async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(10_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(sleeping).rejects.toThrow("stop");
    expect(vi.getTimerCount()).toBe(0);
    await expect(abortableSleep(1, controller.signal)).rejects.toThrow("stop");
  });
});

describe("abort helpers", () => {
  it("createTimeout aborts with its reason after ms, and clear() stops it", async () => {
    const fired = createTimeout(50, () => new AppError("deadline_exceeded", "late"));
    const cleared = createTimeout(50, () => new Error("never"));
    cleared.clear();
    await vi.advanceTimersByTimeAsync(50);
    expect(abortError(fired.signal).code).toBe("deadline_exceeded");
    expect(cleared.signal.aborted).toBe(false);
  });

  it("abortError keeps an AppError reason and calls anything else a cancellation", () => {
    const controller = new AbortController();
    controller.abort("user left");
    expect(abortError(controller.signal).code).toBe("cancelled");
  });

  it("raceAbort settles with the work, or rejects at once when the signal aborts first", async () => {
    const controller = new AbortController();
    await expect(raceAbort(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    const never = new Promise<number>(() => {});
    const racing = raceAbort(never, controller.signal);
    controller.abort(new AppError("cancelled", "stop"));
    await expect(racing).rejects.toMatchObject({ code: "cancelled" });
  });

  it("anySignal aborts when any present signal does, ignoring absent ones", () => {
    const a = new AbortController();
    const b = new AbortController();
    expect(anySignal([a.signal, undefined])).toBe(a.signal);
    const merged = anySignal([a.signal, b.signal, undefined]);
    b.abort("b");
    expect(merged.aborted).toBe(true);
    expect(merged.reason).toBe("b");
  });
});
