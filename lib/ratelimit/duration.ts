type Unit = "ms" | "s" | "m" | "h" | "d" | "w";

/**
 * A window length such as `"60 s"` or `"1m"`; the same grammar @upstash/ratelimit accepts, so one
 * value configures both the Redis and the in-memory limiter.
 */
export type Duration = `${number} ${Unit}` | `${number}${Unit}`;

const MS_PER_UNIT: Record<Unit, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Milliseconds in a Duration; throws on a malformed or sub-millisecond value. */
export function durationToMs(duration: Duration): number {
  const match = /^(\d+(?:\.\d+)?)\s?(ms|s|m|h|d|w)$/.exec(duration);
  const amount = match?.[1];
  const unit = match?.[2] as Unit | undefined;
  if (amount === undefined || unit === undefined) {
    throw new Error(`Unable to parse duration: ${duration}`);
  }
  const ms = Math.round(Number.parseFloat(amount) * MS_PER_UNIT[unit]);
  if (ms < 1) throw new Error(`Duration must be at least 1 ms, got: ${duration}`);
  return ms;
}
