/**
 * Reading the upstream's "when may I retry" hints. Pure functions: the orchestrator owns the retry
 * policy and its bounds; here we only turn headers into numbers.
 */

/** Anything with a case-insensitive `get`, like `Headers`; or a plain record (lower-case keys). */
export type HeaderSource =
  { get(name: string): string | null | undefined } | Record<string, string | string[] | undefined>;

function readHeader(headers: HeaderSource | null | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === "function") {
    return (headers as { get(name: string): string | null | undefined }).get(name) ?? undefined;
  }
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * How long the upstream asked us to wait, in milliseconds, or undefined when it did not say (or
 * said something unparseable). `retry-after-ms` (Anthropic's precise header) wins over
 * `retry-after`, which is either delta-seconds or an HTTP date. A date in the past means 0.
 *
 * No upper bound is applied here on purpose: the retry policy decides what is "sane".
 */
export function parseRetryAfterMs(
  headers: HeaderSource | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const ms = readHeader(headers, "retry-after-ms")?.trim();
  if (ms) {
    const value = Number(ms);
    if (Number.isFinite(value) && value >= 0) return Math.ceil(value);
  }

  const after = readHeader(headers, "retry-after")?.trim();
  if (!after) return undefined;
  // Delta-seconds are digits (fractions tolerated: some proxies send "1.5").
  if (/^\d+(\.\d+)?$/.test(after)) return Math.ceil(Number(after) * 1000);
  // An HTTP date has a weekday/month name; without this, Date.parse("-5") is the year -5.
  if (!/[a-z]/i.test(after)) return undefined;
  const date = Date.parse(after);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** The upstream's explicit retry verdict (`x-should-retry: true|false`), when it gave one. */
export function parseShouldRetry(headers: HeaderSource | null | undefined): boolean | undefined {
  const value = readHeader(headers, "x-should-retry")?.trim().toLowerCase();
  if (value === "true") return true;
  if (value === "false") return false;
  return undefined;
}
