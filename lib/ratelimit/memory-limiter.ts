import { durationToMs, type Duration } from "./duration";

export interface MemoryLimiterOptions {
  /** Requests allowed per window. */
  limit: number;
  /** Window length, e.g. `"60 s"`. */
  window: Duration;
  /**
   * Identifiers tracked at once. Past this, idle identifiers go first, then the least recently
   * seen; an evicted identifier starts again from zero.
   * @default 10_000
   */
  maxIdentifiers?: number;
  /**
   * Clock in epoch milliseconds, injectable for tests.
   * @default Date.now
   */
  now?: () => number;
}

/** The shape of @upstash/ratelimit's response, so both stores map to a LimitResult the same way. */
export interface MemoryLimitResult {
  success: boolean;
  limit: number;
  remaining: number;
  /** Epoch milliseconds when the current window ends. */
  reset: number;
  /** Always resolved: there is no background work, unlike Ratelimit's analytics. */
  pending: Promise<unknown>;
}

export interface MemoryLimiter {
  limit(identifier: string): Promise<MemoryLimitResult>;
  /** Identifiers currently held (for tests and metrics). */
  size(): number;
}

interface Counts {
  /** Index of the fixed window `current` counts (epoch ms / window). */
  window: number;
  current: number;
  previous: number;
}

/**
 * In-process sliding window for a single process with no Redis. It is the same weighted
 * two-window algorithm as @upstash/ratelimit's slidingWindow, so limits behave alike whichever
 * store is configured, and it costs two numbers per identifier instead of a log of timestamps.
 */
export function createMemoryLimiter(options: MemoryLimiterOptions): MemoryLimiter {
  const { limit } = options;
  const windowMs = durationToMs(options.window);
  const maxIdentifiers = options.maxIdentifiers ?? 10_000;
  const now = options.now ?? Date.now;
  // Map iteration order is insertion order; re-inserting on every hit makes it least-recently-used.
  const counts = new Map<string, Counts>();
  let sweptWindow = Number.NEGATIVE_INFINITY;

  // Past the previous window an entry weighs nothing, so it can go.
  const sweepIdle = (window: number) => {
    for (const [id, entry] of counts) if (entry.window < window - 1) counts.delete(id);
    sweptWindow = window;
  };

  const countsFor = (identifier: string, window: number): Counts => {
    const entry = counts.get(identifier);
    counts.delete(identifier);
    if (entry?.window === window) return entry;
    if (entry?.window === window - 1) return { window, current: 0, previous: entry.current };
    if (counts.size >= maxIdentifiers) {
      sweepIdle(window);
      const oldest = counts.keys().next();
      if (counts.size >= maxIdentifiers && !oldest.done) counts.delete(oldest.value);
    }
    return { window, current: 0, previous: 0 };
  };

  return {
    async limit(identifier) {
      const at = now();
      const window = Math.floor(at / windowMs);
      // Once per window is enough to keep idle identifiers from piling up between evictions.
      if (window > sweptWindow) sweepIdle(window);
      const entry = countsFor(identifier, window);
      counts.set(identifier, entry);
      const reset = (window + 1) * windowMs;
      const weightOfPrevious = 1 - (at % windowMs) / windowMs;
      const used = Math.floor(weightOfPrevious * entry.previous) + entry.current;
      if (used >= limit) {
        return { success: false, limit, remaining: 0, reset, pending: Promise.resolve() };
      }
      entry.current += 1;
      return {
        success: true,
        limit,
        remaining: limit - used - 1,
        reset,
        pending: Promise.resolve(),
      };
    },
    size: () => counts.size,
  };
}
