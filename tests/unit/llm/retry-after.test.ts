import { describe, expect, it } from "vitest";
import { parseRetryAfterMs, parseShouldRetry } from "@/lib/llm/retry-after";

describe("parseRetryAfterMs", () => {
  it("reads retry-after as seconds", () => {
    expect(parseRetryAfterMs(new Headers({ "retry-after": "3" }))).toBe(3000);
    expect(parseRetryAfterMs(new Headers({ "retry-after": "1.5" }))).toBe(1500);
  });

  it("prefers retry-after-ms over retry-after", () => {
    const headers = new Headers({ "retry-after-ms": "250", "retry-after": "10" });
    expect(parseRetryAfterMs(headers)).toBe(250);
  });

  it("reads an HTTP date relative to now, and a past date as zero", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const later = new Headers({ "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" });
    expect(parseRetryAfterMs(later, now)).toBe(7000);
    const earlier = new Headers({ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" });
    expect(parseRetryAfterMs(earlier, now)).toBe(0);
  });

  it("ignores missing, empty, negative and unparseable values", () => {
    expect(parseRetryAfterMs(undefined)).toBeUndefined();
    expect(parseRetryAfterMs(new Headers())).toBeUndefined();
    expect(parseRetryAfterMs(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(parseRetryAfterMs(new Headers({ "retry-after": "-5" }))).toBeUndefined();
    // A bad retry-after-ms falls back to retry-after rather than hiding it.
    expect(parseRetryAfterMs(new Headers({ "retry-after-ms": "x", "retry-after": "2" }))).toBe(
      2000,
    );
  });

  it("accepts a plain header record as well as Headers", () => {
    expect(parseRetryAfterMs({ "retry-after": "4" })).toBe(4000);
    expect(parseRetryAfterMs({ "retry-after-ms": ["120"] })).toBe(120);
  });
});

describe("parseShouldRetry", () => {
  it("reads true and false and nothing else", () => {
    expect(parseShouldRetry(new Headers({ "x-should-retry": "true" }))).toBe(true);
    expect(parseShouldRetry(new Headers({ "x-should-retry": "FALSE" }))).toBe(false);
    expect(parseShouldRetry(new Headers({ "x-should-retry": "maybe" }))).toBeUndefined();
    expect(parseShouldRetry(new Headers())).toBeUndefined();
  });
});
