import "server-only";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log";
import {
  type Limiter,
  type LimiterStore,
  type RateLimitGroup,
  createRateLimiters,
  rateLimitHeaders,
} from "@/lib/ratelimit";
import { getRedis } from "@/lib/redis";

export type { RateLimitGroup } from "@/lib/ratelimit";

const globalForLimits = globalThis as unknown as {
  ensembleLimiters?: Record<RateLimitGroup, Limiter>;
};

/** The store follows configuration: Upstash REST, else a self-hosted Redis, else in-process. */
function limiters(): Record<RateLimitGroup, Limiter> {
  if (globalForLimits.ensembleLimiters) return globalForLimits.ensembleLimiters;
  const config = getConfig();
  const redis = getRedis();
  const store: LimiterStore =
    config.UPSTASH_REDIS_REST_URL && config.UPSTASH_REDIS_REST_TOKEN
      ? {
          kind: "upstash",
          url: config.UPSTASH_REDIS_REST_URL,
          token: config.UPSTASH_REDIS_REST_TOKEN,
        }
      : redis
        ? { kind: "redis", client: redis }
        : { kind: "memory" };
  const log = logger.child("ratelimit");
  globalForLimits.ensembleLimiters = createRateLimiters({
    store,
    perMinute: {
      api: config.RATE_LIMIT_API_PER_MINUTE,
      runs: config.RATE_LIMIT_RUNS_PER_MINUTE,
      gateway: config.RATE_LIMIT_API_PER_MINUTE,
      signIn: config.RATE_LIMIT_SIGN_IN_PER_MINUTE,
    },
    // Reads fail open and sign-in fails closed (see RATE_LIMIT_FAIL_MODES); either way, say so.
    onStoreError: (error) => log.warn(`rate-limit store unavailable: ${error.message}`),
  });
  return globalForLimits.ensembleLimiters;
}

/** The caller's address as the first proxy saw it, for per-IP limits. */
export function clientIp(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("x-real-ip") || "unknown";
}

/**
 * Counts a request against its group's limit. Returns the X-RateLimit-* headers for the response
 * (and Retry-After when denied), and the error to answer with when over the limit.
 */
export async function checkRateLimit(group: RateLimitGroup, identity: string) {
  const result = await limiters()[group].limit(identity);
  // A decision made without the store (fail open/closed) has no real counts to report.
  const headers = result.reason ? new Headers() : rateLimitHeaders(result);
  const error = result.success
    ? undefined
    : new AppError(
        "rate_limited",
        result.reason
          ? "rate limiting is unavailable; try again shortly"
          : "too many requests; slow down",
        { retryAfterMs: result.retryAfterMs },
      );
  return { result, headers, error };
}
