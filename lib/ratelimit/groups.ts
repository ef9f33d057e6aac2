import "server-only";
import { createLimiter, type LimiterStore } from "./limiter";
import type { RateLimitStoreError } from "./store-error";
import type { FailMode, Limiter } from "./types";

/** Route groups with their own limit and counters. */
export type RateLimitGroup =
  /** Application API calls, keyed by API key or user id. */
  | "api"
  /** Starting orchestrator runs, keyed by user id or API key. */
  | "runs"
  /** LLM gateway calls, keyed by API key. */
  | "gateway"
  /** Sign-in attempts, keyed by client IP, and by account and client IP together. */
  | "sign-in"
  /** Requests with credentials that turned out bad (unknown keys, forged cookies), per IP. */
  | "auth-failure";

/**
 * Fail modes per group: traffic from authenticated callers stays up when the store is down;
 * sign-in fails closed because an unlimited sign-in endpoint invites password guessing.
 */
export const RATE_LIMIT_FAIL_MODES: Readonly<Record<RateLimitGroup, FailMode>> = {
  api: "open",
  runs: "open",
  gateway: "open",
  "sign-in": "closed",
  // Only failures are counted here; a store outage must not lock out good credentials.
  "auth-failure": "open",
};

export interface CreateRateLimitersOptions {
  store: LimiterStore;
  /** Requests per minute per identifier, from RATE_LIMIT_{API,RUNS,SIGN_IN}_PER_MINUTE. */
  perMinute: { api: number; runs: number; gateway: number; signIn: number; authFailures: number };
  /** Told about every store failure, e.g. to log it. */
  onStoreError?: (error: RateLimitStoreError) => void;
  /**
   * Key prefix shared by the groups; each group appends its name.
   * @default "ensemble:ratelimit"
   */
  prefix?: string;
}

/** One limiter per route group, all on the same store. */
export function createRateLimiters(
  options: CreateRateLimitersOptions,
): Record<RateLimitGroup, Limiter> {
  const { store, perMinute, onStoreError } = options;
  const base = options.prefix ?? "ensemble:ratelimit";
  const limiter = (group: RateLimitGroup, limit: number) =>
    createLimiter({
      store,
      prefix: `${base}:${group}`,
      limit,
      window: "60 s",
      failMode: RATE_LIMIT_FAIL_MODES[group],
      onStoreError,
    });
  return {
    api: limiter("api", perMinute.api),
    runs: limiter("runs", perMinute.runs),
    gateway: limiter("gateway", perMinute.gateway),
    "sign-in": limiter("sign-in", perMinute.signIn),
    "auth-failure": limiter("auth-failure", perMinute.authFailures),
  };
}
