import "server-only";
import { AppError } from "@/lib/errors";
import { type RateLimitGroup, rateLimitHeaders } from "@/lib/ratelimit";
import { getRateLimiters } from "@/lib/runtime";
import { clientAddress } from "./client-address";

export type { RateLimitGroup } from "@/lib/ratelimit";

/**
 * The caller's address for per-IP limits: the socket's, or what TRUST_PROXY_HOPS trusted proxies
 * say (see client-address.ts); never an X-Forwarded-For the client wrote itself.
 */
export function clientIp(request: Request): string {
  return clientAddress(request);
}

/**
 * Counts a request against its group's limit. Returns the X-RateLimit-* headers for the response
 * (and Retry-After when denied), and the error to answer with when over the limit.
 */
export async function checkRateLimit(group: RateLimitGroup, identity: string) {
  const result = await (await getRateLimiters())[group].limit(identity);
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
