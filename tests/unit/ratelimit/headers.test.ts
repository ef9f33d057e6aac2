import { describe, expect, it } from "vitest";
import { rateLimitHeaders } from "@/lib/ratelimit/headers";

describe("rateLimitHeaders", () => {
  it("gives limit, remaining and reset in epoch seconds, and no Retry-After when allowed", () => {
    const headers = rateLimitHeaders({
      success: true,
      limit: 600,
      remaining: 599,
      reset: 1_700_000_060_000,
      retryAfterMs: 0,
    });

    expect(Object.fromEntries(headers)).toEqual({
      "x-ratelimit-limit": "600",
      "x-ratelimit-remaining": "599",
      "x-ratelimit-reset": "1700000060",
    });
  });

  it("rounds reset and Retry-After up so a client waiting that long is never early", () => {
    const headers = rateLimitHeaders({
      success: false,
      limit: 10,
      remaining: 0,
      reset: 1_700_000_060_001,
      retryAfterMs: 12_001,
    });

    expect(headers.get("X-RateLimit-Reset")).toBe("1700000061");
    expect(headers.get("Retry-After")).toBe("13");
  });

  it("never tells a denied client to retry after 0 seconds", () => {
    const headers = rateLimitHeaders({
      success: false,
      limit: 10,
      remaining: 0,
      reset: 1_700_000_000_000,
      retryAfterMs: 0,
      reason: "store-error",
    });

    expect(headers.get("Retry-After")).toBe("1");
  });
});
