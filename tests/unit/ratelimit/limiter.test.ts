import type { Redis } from "ioredis";
import { describe, expect, it, vi } from "vitest";
import { createRateLimiters } from "@/lib/ratelimit/groups";
import { createLimiter } from "@/lib/ratelimit/limiter";
import { RateLimitStoreError } from "@/lib/ratelimit/store-error";

/** An ioredis stand-in whose every script call fails like a dropped connection. */
function failingClient(): Redis {
  const refuse = () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379"));
  return { evalsha: refuse, eval: refuse } as unknown as Redis;
}

/** An ioredis stand-in that never answers. */
function silentClient(): Redis {
  const never = () => new Promise<never>(() => {});
  return { evalsha: never, eval: never } as unknown as Redis;
}

describe("createLimiter", () => {
  it("allows the request and reports the error when the store throws and it fails open", async () => {
    const onStoreError = vi.fn();
    const limiter = createLimiter({
      store: { kind: "redis", client: failingClient() },
      prefix: "t:open",
      limit: 10,
      window: "60 s",
      failMode: "open",
      onStoreError,
    });

    const result = await limiter.limit("user-1");

    expect(result).toMatchObject({
      success: true,
      limit: 10,
      retryAfterMs: 0,
      reason: "store-error",
    });
    expect(onStoreError).toHaveBeenCalledOnce();
    const error = onStoreError.mock.calls[0]?.[0] as RateLimitStoreError;
    expect(error).toBeInstanceOf(RateLimitStoreError);
    expect(error.prefix).toBe("t:open");
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("denies the request with a retry hint when the store throws and it fails closed", async () => {
    const limiter = createLimiter({
      store: { kind: "redis", client: failingClient() },
      prefix: "t:closed",
      limit: 10,
      window: "60 s",
      failMode: "closed",
    });

    const result = await limiter.limit("203.0.113.9");

    expect(result).toMatchObject({ success: false, remaining: 0, reason: "store-error" });
    expect(result.retryAfterMs).toBeGreaterThan(0);
    expect(result.reset).toBeGreaterThan(Date.now());
  });

  it("applies the fail mode when the store does not answer within the timeout", async () => {
    const onStoreError = vi.fn();
    const make = (failMode: "open" | "closed") =>
      createLimiter({
        store: { kind: "redis", client: silentClient() },
        prefix: `t:slow:${failMode}`,
        limit: 10,
        window: "60 s",
        failMode,
        timeoutMs: 30,
        onStoreError,
      });

    const [open, closed] = await Promise.all([make("open").limit("u"), make("closed").limit("u")]);

    expect(open).toMatchObject({ success: true, reason: "timeout" });
    expect(closed).toMatchObject({ success: false, reason: "timeout" });
    expect(onStoreError).toHaveBeenCalledTimes(2);
  });

  it("still decides when the error callback itself throws", async () => {
    const limiter = createLimiter({
      store: { kind: "redis", client: failingClient() },
      prefix: "t:cb",
      limit: 1,
      window: "60 s",
      failMode: "closed",
      onStoreError: () => {
        throw new Error("logger down");
      },
    });

    await expect(limiter.limit("u")).resolves.toMatchObject({
      success: false,
      reason: "store-error",
    });
  });

  it("counts in memory with no reason set, and tells a denied caller when the window ends", async () => {
    // The clock stands still 10 s into a minute, so the window's end is known exactly.
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-01-01T00:00:10Z") });
    try {
      const limiter = createLimiter({
        store: { kind: "memory" },
        prefix: "t:mem",
        limit: 2,
        window: "60 s",
        failMode: "closed",
      });

      const results = [
        await limiter.limit("u"),
        await limiter.limit("u"),
        await limiter.limit("u"),
      ];

      expect(results.map((r) => r.success)).toEqual([true, true, false]);
      expect(results.every((r) => r.reason === undefined)).toBe(true);
      expect(results[2]).toMatchObject({
        reset: Date.parse("2026-01-01T00:01:00Z"),
        retryAfterMs: 50_000,
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects a malformed window when it is created, not on the first request", () => {
    expect(() =>
      createLimiter({
        store: { kind: "redis", client: failingClient() },
        prefix: "t:bad",
        limit: 1,
        window: "sixty seconds" as "60 s",
        failMode: "open",
      }),
    ).toThrow(/duration/i);
  });
});

describe("createRateLimiters", () => {
  const perMinute = { api: 3, runs: 2, gateway: 3, signIn: 1, authFailures: 2 };

  it("fails open for api, runs, gateway and auth failures, and closed for sign-in", async () => {
    const limiters = createRateLimiters({
      store: { kind: "redis", client: failingClient() },
      perMinute,
    });

    const outcomes = Object.fromEntries(
      await Promise.all(
        Object.entries(limiters).map(async ([group, l]) => [group, (await l.limit("x")).success]),
      ),
    );

    expect(outcomes).toEqual({
      api: true,
      runs: true,
      gateway: true,
      "sign-in": false,
      "auth-failure": true,
    });
  });

  it("gives each group its configured per-minute limit and its own counters", async () => {
    const limiters = createRateLimiters({ store: { kind: "memory" }, perMinute });
    const allowed = async (group: keyof typeof limiters) => {
      let n = 0;
      for (let i = 0; i < 5; i++) if ((await limiters[group].limit("same-id")).success) n++;
      return n;
    };

    expect(await allowed("api")).toBe(3);
    expect(await allowed("gateway")).toBe(3);
    expect(await allowed("runs")).toBe(2);
    expect(await allowed("sign-in")).toBe(1);
    expect(await allowed("auth-failure")).toBe(2);
  });
});
