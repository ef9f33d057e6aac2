import type { LimitFailureReason } from "./types";

/** The store behind a limiter failed to decide; handed to `onStoreError`, never thrown. */
export class RateLimitStoreError extends Error {
  /** The limiter's key prefix, which names the group that lost its store. */
  readonly prefix: string;
  readonly reason: LimitFailureReason;

  constructor(prefix: string, reason: LimitFailureReason, message: string, cause?: unknown) {
    super(`rate limit store (${prefix}): ${message}`, { cause });
    this.name = "RateLimitStoreError";
    this.prefix = prefix;
    this.reason = reason;
  }
}
