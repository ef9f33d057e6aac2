import type { LimitResult } from "./types";

/**
 * The conventional rate-limit response headers. Reset is epoch seconds (rounded up, so a client
 * waiting until then is never early); Retry-After is delta seconds, sent only on a denial.
 */
export function rateLimitHeaders(result: LimitResult): Headers {
  const headers = new Headers({
    "X-RateLimit-Limit": String(result.limit),
    "X-RateLimit-Remaining": String(Math.max(0, result.remaining)),
    "X-RateLimit-Reset": String(Math.ceil(result.reset / 1000)),
  });
  if (!result.success) {
    // At least 1: "Retry-After: 0" invites an immediate retry that would be denied again.
    headers.set("Retry-After", String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))));
  }
  return headers;
}
