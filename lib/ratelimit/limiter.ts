import "server-only";
import { Ratelimit, type RatelimitConfig } from "@upstash/ratelimit";
import { Redis as UpstashRedis } from "@upstash/redis";
import type { Redis } from "ioredis";
import { durationToMs, type Duration } from "./duration";
import { createMemoryLimiter, type MemoryLimitResult } from "./memory-limiter";
import { redisAdapterFor } from "./redis-adapter";
import { RateLimitStoreError } from "./store-error";
import type { Algorithm, FailMode, LimitFailureReason, LimitResult, Limiter } from "./types";

/** Where counts live. Only Redis-backed stores share a limit across processes. */
export type LimiterStore =
  /** Upstash over HTTP (UPSTASH_REDIS_REST_URL / _TOKEN). */
  | { kind: "upstash"; url: string; token: string }
  /** A self-hosted Redis through the app's ioredis client (REDIS_URL). */
  | { kind: "redis"; client: Redis }
  /** This process only: for development and single-instance deployments. */
  | { kind: "memory" };

export interface CreateLimiterOptions {
  store: LimiterStore;
  /** Key prefix in the store; give each limiter its own so limits do not share counters. */
  prefix: string;
  /** Requests allowed per window. */
  limit: number;
  /** Window length, e.g. `"60 s"`. */
  window: Duration;
  /**
   * Counting algorithm. The memory store always uses a sliding window.
   * @default "sliding"
   */
  algorithm?: Algorithm;
  /** Decision when the store errors or times out: allow ("open") or deny ("closed"). */
  failMode: FailMode;
  /** Told about every store failure (errors and timeouts); a throwing callback is ignored. */
  onStoreError?: (error: RateLimitStoreError) => void;
  /**
   * How long to wait for the store before the fail mode decides.
   * @default 1000
   */
  timeoutMs?: number;
  /**
   * Identifiers held in memory: counts for the memory store, known-blocked identifiers (which
   * skip a store round trip until their reset) for the Redis stores.
   * @default 10_000
   */
  maxIdentifiers?: number;
}

/** When the store could not decide, callers are told to retry soon: the outage may be brief. */
const STORE_FAILURE_RETRY_MS = 1_000;

type Decide = (identifier: string) => Promise<MemoryLimitResult & { reason?: string }>;

/**
 * A limiter for one route group. It never throws: a failing or slow store yields a result with
 * `reason` set, allowed or denied per `failMode`.
 */
export function createLimiter(options: CreateLimiterOptions): Limiter {
  const { prefix, limit, failMode, onStoreError } = options;
  const timeoutMs = options.timeoutMs ?? 1_000;
  const decide = deciderFor(options, timeoutMs);

  const fail = (reason: LimitFailureReason, message: string, cause?: unknown): LimitResult => {
    try {
      onStoreError?.(new RateLimitStoreError(prefix, reason, message, cause));
    } catch {
      // Reporting must not turn a decided request into a 500.
    }
    const reset = Date.now() + STORE_FAILURE_RETRY_MS;
    return failMode === "open"
      ? { success: true, limit, remaining: 0, reset, retryAfterMs: 0, reason }
      : {
          success: false,
          limit,
          remaining: 0,
          reset,
          retryAfterMs: STORE_FAILURE_RETRY_MS,
          reason,
        };
  };

  return {
    async limit(identifier) {
      let response: Awaited<ReturnType<Decide>>;
      try {
        response = await decide(identifier);
      } catch (error) {
        return fail("store-error", error instanceof Error ? error.message : String(error), error);
      }
      // Ratelimit's own timeout resolves "allowed"; our fail mode decides instead.
      if (response.reason === "timeout") {
        return fail("timeout", `no answer within ${timeoutMs} ms`);
      }
      const { success, remaining, reset } = response;
      return {
        success,
        limit: response.limit,
        remaining,
        reset,
        retryAfterMs: success ? 0 : Math.max(0, reset - Date.now()),
      };
    },
  };
}

function deciderFor(options: CreateLimiterOptions, timeoutMs: number): Decide {
  const { store, limit, window } = options;
  const maxIdentifiers = options.maxIdentifiers ?? 10_000;
  if (store.kind === "memory") {
    const memory = createMemoryLimiter({ limit, window, maxIdentifiers });
    return (identifier) => memory.limit(identifier);
  }
  const redis =
    store.kind === "redis"
      ? // The adapter implements only what the algorithms call (see redis-adapter.ts).
        (redisAdapterFor(store.client) as unknown as RatelimitConfig["redis"])
      : new UpstashRedis({
          url: store.url,
          token: store.token,
          // One quick retry; the timeout below bounds the rest.
          retry: { retries: 1, backoff: () => 50 },
          enableTelemetry: false,
        });
  const ratelimit = new Ratelimit({
    redis,
    prefix: options.prefix,
    limiter: algorithmFor(options.algorithm ?? "sliding", limit, window),
    timeout: timeoutMs,
    ephemeralCache: new BoundedMap(maxIdentifiers),
    analytics: false,
    // It downloads IP deny lists from the internet.
    enableProtection: false,
    enableTelemetry: false,
  });
  return (identifier) => ratelimit.limit(identifier);
}

function algorithmFor(algorithm: Algorithm, limit: number, window: Duration) {
  // Validate here so a bad window fails at startup, not on the first request.
  durationToMs(window);
  switch (algorithm) {
    case "sliding":
      return Ratelimit.slidingWindow(limit, window);
    case "fixed":
      return Ratelimit.fixedWindow(limit, window);
    case "token":
      return Ratelimit.tokenBucket(limit, window, limit);
  }
}

/**
 * Ratelimit's ephemeral cache remembers blocked identifiers and only forgets one when it is looked
 * up again after its reset, so a plain Map grows with every identifier ever blocked.
 */
class BoundedMap extends Map<string, number> {
  constructor(private readonly max: number) {
    super();
  }

  override set(key: string, value: number): this {
    if (!this.has(key) && this.size >= this.max) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}
