import type { AppError } from "@/lib/errors";

/** How retries are spaced. */
export interface BackoffOptions {
  /**
   * The ceiling of the first retry's delay; each later retry doubles it.
   * @default 500
   */
  baseMs?: number;
  /**
   * The cap on any computed delay (before jitter).
   * @default 8000
   */
  maxMs?: number;
  /**
   * "full": uniform in [0, cap] — spreads a thundering herd best.
   * "equal": uniform in [cap/2, cap] — keeps a floor under every wait.
   * "none": exactly the cap (deterministic; for tests and debugging).
   * @default "full"
   */
  jitter?: "full" | "equal" | "none";
  /**
   * Source of randomness in [0, 1).
   * @default Math.random
   */
  random?: () => number;
  /**
   * The longest upstream-requested wait (retry-after) we are willing to honour. A longer request
   * means the upstream will not have us back soon: we give up and report its error instead.
   * @default 30000
   */
  maxRetryAfterMs?: number;
}

export const BACKOFF_DEFAULTS = {
  baseMs: 500,
  maxMs: 8000,
  jitter: "full",
  maxRetryAfterMs: 30_000,
} as const satisfies Omit<Required<BackoffOptions>, "random">;

/**
 * The delay before retry number `attempt` (1 = the wait after the first failed attempt):
 * capped exponential growth with jitter. Pure apart from `random`.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const baseMs = options.baseMs ?? BACKOFF_DEFAULTS.baseMs;
  const maxMs = options.maxMs ?? BACKOFF_DEFAULTS.maxMs;
  const jitter = options.jitter ?? BACKOFF_DEFAULTS.jitter;
  const random = options.random ?? Math.random;

  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // For absurd attempt numbers 2 ** exponent is Infinity; min() still caps it at maxMs.
  const cap = Math.min(maxMs, baseMs * 2 ** exponent);
  switch (jitter) {
    case "none":
      return cap;
    case "equal":
      return Math.round(cap / 2 + random() * (cap / 2));
    case "full":
      return Math.round(random() * cap);
  }
}

/** What to do after a retryable failure. */
export type RetryWait =
  /** Wait this long, then try again. */
  | { kind: "wait"; delayMs: number; source: "backoff" | "retry-after" }
  /** The upstream asked for a wait beyond our bound: stop and report the error. */
  | { kind: "give-up"; retryAfterMs: number };

/**
 * The wait before retrying after `error` failed attempt number `attempt`. An upstream
 * retry-after (AppError.retryAfterMs) wins over the computed backoff when it is within
 * `maxRetryAfterMs`; a nonsensical one (negative, NaN) is ignored.
 */
export function retryWait(
  attempt: number,
  error: Pick<AppError, "retryAfterMs">,
  options: BackoffOptions = {},
): RetryWait {
  const retryAfterMs = error.retryAfterMs;
  if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
    const bound = options.maxRetryAfterMs ?? BACKOFF_DEFAULTS.maxRetryAfterMs;
    if (retryAfterMs > bound) return { kind: "give-up", retryAfterMs };
    return { kind: "wait", delayMs: Math.ceil(retryAfterMs), source: "retry-after" };
  }
  return { kind: "wait", delayMs: backoffDelay(attempt, options), source: "backoff" };
}
