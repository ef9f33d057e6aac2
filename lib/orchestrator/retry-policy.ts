import { isAppError, type AppError } from "@/lib/errors";

/** What the attempt knew when it failed. */
export interface FailureContext {
  /** Text deltas of this attempt already handed to the run's consumer. */
  tokensSeen: number;
}

/** A verdict and the rule that produced it (kept for logs and tests). */
export interface RetryDecision {
  retry: boolean;
  reason: string;
}

/** Upstream statuses that mean "try again": timeouts, lock conflicts, rate limits, 5xx, overload. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

/**
 * The HTTP status the upstream actually sent. lib/llm keeps it in `details.upstreamStatus`, while
 * `AppError.status` is the status we would answer with (an upstream 409 or 501 is our 502).
 */
export function upstreamStatus(error: AppError): number {
  const sent = error.details?.upstreamStatus;
  return typeof sent === "number" ? sent : error.status;
}

const retry = (reason: string): RetryDecision => ({ retry: true, reason });
const stop = (reason: string): RetryDecision => ({ retry: false, reason });

/**
 * Decides whether a failed attempt may be tried again. The rules run in order; the first that
 * matches decides. The orchestrator is the only layer that retries (the SDK runs with maxRetries 0).
 */
export function classifyFailure(error: unknown, context: FailureContext): RetryDecision {
  // Anything that is not an AppError is a bug in our code, and a bug does not fix itself.
  if (!isAppError(error)) return stop("not an AppError");

  // Our own outcomes: the run was cancelled or ran out of time, the input is wrong, or the breaker
  // is protecting the model. Retrying any of them works against the decision that produced it.
  // (A step does wait out an open circuit — run-step.ts — but that wait is not a retry.)
  if (error.code === "cancelled") return stop("cancelled");
  if (error.code === "deadline_exceeded") return stop("run deadline exceeded");
  if (error.code === "validation_failed") return stop("validation failed");
  if (error.code === "circuit_open") return stop("circuit open");

  // Once a token has reached the caller, a second answer would contradict the text already shown.
  if (context.tokensSeen > 0) return stop("tokens already reached the caller");

  // Beyond this point only upstream outcomes are retried; every other code of ours is final.
  if (!error.code.startsWith("upstream_") && error.code !== "stream_interrupted") {
    return stop(`not an upstream failure (${error.code})`);
  }

  // The upstream said so explicitly (x-should-retry), which overrides what its status suggests.
  if (error.details?.shouldRetry === true) return retry("upstream asked for a retry");
  if (error.details?.shouldRetry === false) return stop("upstream asked not to retry");

  // Transient by nature: the network, our attempt timeout, rate limits and overload.
  if (error.code === "upstream_connection") return retry("connection error");
  if (error.code === "upstream_timeout") return retry("attempt timed out");
  if (error.code === "upstream_rate_limited") return retry("rate limited (429)");
  if (error.code === "upstream_overloaded") return retry("overloaded (529)");
  // The stream broke before any text was shown: starting over is invisible to the caller.
  if (error.code === "stream_interrupted") return retry("stream broke before the first token");

  const status = upstreamStatus(error);
  // 408 (request timeout) and 409 (lock conflict) are transient even though they are 4xx.
  if (status === 408 || status === 409) return retry(`status ${status}`);

  // Other 4xx are the request's or the credentials' fault: the same request fails the same way.
  if (error.code === "upstream_invalid_request") return stop("invalid request");
  if (error.code === "upstream_auth") return stop("authentication failed");

  // A generic upstream error is retried only for the statuses known to be transient.
  if (RETRYABLE_STATUSES.has(status)) return retry(`status ${status}`);
  return stop(`status ${status}`);
}

/** True when a failed attempt may be tried again; see `classifyFailure` for the rules. */
export function shouldRetry(error: unknown, context: FailureContext): boolean {
  return classifyFailure(error, context).retry;
}
