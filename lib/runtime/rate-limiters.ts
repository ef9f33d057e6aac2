import "server-only";
import type { Redis } from "ioredis";
import type { Env } from "@/lib/config";
import type { Logger } from "@/lib/log";
import { RedisUnavailableError } from "@/lib/redis/guarded-redis";
import {
  type Limiter,
  type LimiterStore,
  type RateLimitGroup,
  createRateLimiters,
} from "@/lib/ratelimit";

export type RateLimiters = Readonly<Record<RateLimitGroup, Limiter>>;

/** The store follows configuration: Upstash REST, else a self-hosted Redis, else in-process. */
export function createConfiguredRateLimiters(args: {
  config: Env;
  redis: Redis | null;
  log: Pick<Logger, "warn">;
}): RateLimiters {
  const { config, redis, log } = args;
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
  return createRateLimiters({
    store,
    perMinute: {
      api: config.RATE_LIMIT_API_PER_MINUTE,
      runs: config.RATE_LIMIT_RUNS_PER_MINUTE,
      gateway: config.RATE_LIMIT_API_PER_MINUTE,
      signIn: config.RATE_LIMIT_SIGN_IN_PER_MINUTE,
      authFailures: config.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE,
    },
    // Reads fail open and sign-in fails closed (see RATE_LIMIT_FAIL_MODES); either way, say so.
    // While Redis's circuit is open every decision fails at once; the client logged the outage.
    onStoreError: (error) => {
      if (!(error.cause instanceof RedisUnavailableError)) {
        log.warn(`rate-limit store unavailable: ${error.message}`);
      }
    },
  });
}
