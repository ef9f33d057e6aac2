import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { backoffDelay, retryWait } from "@/lib/orchestrator";

describe("backoffDelay", () => {
  it("doubles from the base and stops at the cap without jitter", () => {
    const delays = [1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, { jitter: "none" }));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it("stays within [0, cap] with full jitter for any attempt and random value", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2000 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (attempt, r) => {
          const cap = Math.min(8000, 500 * 2 ** (attempt - 1));
          const delay = backoffDelay(attempt, { random: () => r });
          return delay >= 0 && delay <= cap;
        },
      ),
    );
  });

  it("keeps equal jitter in the upper half of the cap", () => {
    expect(backoffDelay(3, { jitter: "equal", random: () => 0 })).toBe(1000);
    expect(backoffDelay(3, { jitter: "equal", random: () => 0.999 })).toBeLessThanOrEqual(2000);
  });

  it("takes its spread from the injected random source", () => {
    expect(backoffDelay(2, { random: () => 0 })).toBe(0);
    expect(backoffDelay(2, { random: () => 0.5 })).toBe(500);
  });

  it("honours custom base and cap", () => {
    expect(backoffDelay(10, { baseMs: 100, maxMs: 250, jitter: "none" })).toBe(250);
  });
});

describe("retryWait", () => {
  const error = (retryAfterMs?: number) =>
    new AppError("upstream_rate_limited", "slow down", { retryAfterMs });

  it("waits exactly the upstream's retry-after when it is within the bound", () => {
    expect(retryWait(1, error(1500))).toEqual({
      kind: "wait",
      delayMs: 1500,
      source: "retry-after",
    });
  });

  it("gives up when the upstream asks for more than maxRetryAfterMs", () => {
    expect(retryWait(1, error(45_000))).toEqual({ kind: "give-up", retryAfterMs: 45_000 });
    expect(retryWait(1, error(45_000), { maxRetryAfterMs: 60_000 }).kind).toBe("wait");
  });

  it("falls back to backoff without a usable retry-after", () => {
    const options = { jitter: "none" as const };
    expect(retryWait(2, error(), options)).toEqual({
      kind: "wait",
      delayMs: 1000,
      source: "backoff",
    });
    expect(retryWait(2, error(-5), options)).toMatchObject({ source: "backoff" });
    expect(retryWait(2, error(Number.NaN), options)).toMatchObject({ source: "backoff" });
  });
});
