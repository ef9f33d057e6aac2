/** Why a decision did not come from the store's count. */
export type LimitFailureReason =
  /** The store did not answer within the limiter's timeout. */
  | "timeout"
  /** The store answered with an error, or the connection failed. */
  | "store-error";

/** One rate-limit decision, whatever the store behind it. */
export interface LimitResult {
  /** Whether the request may proceed. */
  success: boolean;
  /** Requests allowed per window. */
  limit: number;
  /** Requests left in the current window (0 when denied or when the store failed). */
  remaining: number;
  /** Epoch milliseconds when the current window ends. */
  reset: number;
  /** How long a denied caller should wait before retrying; 0 when allowed. */
  retryAfterMs: number;
  /** Set only when the store could not decide and the fail mode did instead. */
  reason?: LimitFailureReason;
}

export interface Limiter {
  /** Counts one request for `identifier` and decides whether it may proceed. Never throws. */
  limit(identifier: string): Promise<LimitResult>;
}

/** How requests are counted; all three allow `limit` requests per `window`. */
export type Algorithm =
  /** Weighted blend of the current and previous fixed windows: smooth at window edges. */
  | "sliding"
  /** One counter per window: cheapest, but allows up to 2× at a window edge. */
  | "fixed"
  /** `limit` tokens refilled every window, at most `limit` held. */
  | "token";

/** What to do when the store cannot decide. */
export type FailMode =
  /** Allow the request: availability matters more than the limit (API traffic). */
  | "open"
  /** Deny the request: the limit guards against abuse (sign-in brute force). */
  | "closed";
