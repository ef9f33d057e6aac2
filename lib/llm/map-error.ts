import "server-only";

import {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "@anthropic-ai/sdk";
import { AppError, type ErrorCode } from "@/lib/errors";
import { parseRetryAfterMs, parseShouldRetry } from "./retry-after";

export interface MapErrorContext {
  /**
   * The caller's signal. When it has fired, the failure is the caller's doing, whatever the SDK
   * threw (the SDK even ends a stream silently on abort).
   */
  signal?: AbortSignal;
  /**
   * Whether at least one stream event already reached the caller. A failure after that point is
   * `stream_interrupted`: the partial answer cannot be un-sent, so it must not be retried blindly.
   * @default false
   */
  midStream?: boolean;
  /** Strings that must never appear in the message (the API key), replaced by "[redacted]". */
  redact?: readonly string[];
}

/** Upstream error `type` (the body's `error.type`) → our code, for errors without an HTTP status. */
const TYPE_CODES: Record<string, ErrorCode> = {
  rate_limit_error: "upstream_rate_limited",
  overloaded_error: "upstream_overloaded",
  timeout_error: "upstream_timeout",
  api_error: "upstream_error",
  invalid_request_error: "upstream_invalid_request",
  not_found_error: "upstream_invalid_request",
  request_too_large: "upstream_invalid_request",
  authentication_error: "upstream_auth",
  permission_error: "upstream_auth",
  billing_error: "upstream_auth",
};

const MAX_MESSAGE_LENGTH = 300;

/**
 * Turns anything the SDK (or fetch underneath it) throws into an AppError with an upstream_* code.
 * It never decides whether to retry; it keeps what the retry policy needs: the code,
 * `details.upstreamStatus`, `retryAfterMs` and `details.shouldRetry` (from `x-should-retry`).
 *
 * Messages carry the upstream's own short explanation at most, never request headers.
 */
export function mapUpstreamError(error: unknown, context: MapErrorContext = {}): AppError {
  if (error instanceof AppError) return error;
  const { signal, midStream = false } = context;
  const clean = (message: string) => sanitize(message, context.redact);

  // The caller's signal outranks whatever the SDK made of it (user abort, "terminated", …).
  if (signal?.aborted || isUserAbort(error)) {
    const reason: unknown = signal?.aborted ? signal.reason : undefined;
    // AbortSignal.timeout fires with a TimeoutError: an attempt/deadline ran out, not a cancel.
    if (isNamed(reason, "TimeoutError")) {
      return new AppError("upstream_timeout", "The model call was aborted by its timeout", {
        details: { aborted: true, midStream },
        cause: error,
      });
    }
    return new AppError("cancelled", "The model call was cancelled", {
      details: { aborted: true, midStream },
      cause: error,
    });
  }

  if (isConnectionTimeout(error)) {
    return new AppError("upstream_timeout", "The model provider did not answer in time", {
      details: { midStream },
      cause: error,
    });
  }

  if (isConnectionError(error)) {
    return new AppError(
      midStream ? "stream_interrupted" : "upstream_connection",
      "Could not reach the model provider",
      { details: { midStream, reason: "connection" }, cause: error },
    );
  }

  if (error instanceof APIError) {
    const upstreamType = error.type ?? undefined;
    // No status: an `error` event inside a 200 stream (the SDK throws APIError(undefined, body)).
    if (error.status === undefined) {
      const apiMessage = clean(error.apiMessage ?? "error event");
      if (midStream) {
        return new AppError("stream_interrupted", `Upstream stream failed: ${apiMessage}`, {
          details: { midStream, upstreamType, reason: "error_event" },
          cause: error,
        });
      }
      const code = (upstreamType && TYPE_CODES[upstreamType]) ?? "upstream_error";
      return new AppError(code, `Upstream error: ${apiMessage}`, {
        details: { midStream, upstreamType, reason: "error_event" },
        cause: error,
      });
    }
    return fromStatus(error, clean);
  }

  // The SDK's own client-side failures (bad configuration, a consumed stream): ours, permanent.
  if (error instanceof AnthropicError) {
    return new AppError("internal", "The model client failed before reaching the provider", {
      details: { midStream },
      cause: error,
    });
  }

  // Raw failures from reading the body: undici's "terminated" when the socket dies, a SyntaxError
  // when the upstream sent broken JSON.
  const invalidResponse = error instanceof SyntaxError;
  if (midStream) {
    return new AppError("stream_interrupted", "The model stream broke off before it finished", {
      details: { midStream, reason: invalidResponse ? "invalid_response" : "connection" },
      cause: error,
    });
  }
  if (invalidResponse) {
    return new AppError("upstream_error", "The model provider sent an unreadable response", {
      details: { midStream, reason: "invalid_response" },
      cause: error,
    });
  }
  if (error instanceof TypeError || hasNetworkErrorCode(error)) {
    return new AppError("upstream_connection", "The connection to the model provider failed", {
      details: { midStream, reason: "connection" },
      cause: error,
    });
  }
  return new AppError("upstream_error", "The model call failed", {
    details: { midStream },
    cause: error,
  });
}

function fromStatus(error: APIError, clean: (message: string) => string): AppError {
  const status = error.status as number;
  const upstreamType = error.type ?? undefined;
  const headers = error.headers;
  const retryAfterMs = parseRetryAfterMs(headers);
  const shouldRetry = parseShouldRetry(headers);
  const code = codeForStatus(status, upstreamType);
  const details: Record<string, unknown> = { upstreamStatus: status, midStream: false };
  if (upstreamType) details.upstreamType = upstreamType;
  if (shouldRetry !== undefined) details.shouldRetry = shouldRetry;
  if (error.requestID) details.upstreamRequestId = error.requestID;
  if (error.errorCode) details.upstreamErrorCode = error.errorCode;
  const explanation = clean(error.apiMessage ?? `HTTP ${status}`);
  return new AppError(code, `Upstream ${status}: ${explanation}`, {
    // An upstream 503 is still "unavailable" to our caller; other 5xx become our 502 default.
    status: code === "upstream_error" && status === 503 ? 503 : undefined,
    retryAfterMs,
    details,
    cause: error,
  });
}

/** The one status table. Types win where the status is ambiguous (an overloaded 503, say). */
export function codeForStatus(status: number, upstreamType?: string): ErrorCode {
  if (status === 529 || upstreamType === "overloaded_error") return "upstream_overloaded";
  if (status === 429) return "upstream_rate_limited";
  if (status === 408 || status === 504) return "upstream_timeout";
  if (status === 401 || status === 403 || status === 402) return "upstream_auth";
  // 409 (lock timeout) and 499 are transient on Anthropic's side, not the request's fault.
  if (status === 409 || status === 499) return "upstream_error";
  if (status >= 400 && status < 500) return "upstream_invalid_request";
  return "upstream_error";
}

function isUserAbort(error: unknown): boolean {
  return error instanceof APIUserAbortError || isNamed(error, "APIUserAbortError");
}

function isConnectionTimeout(error: unknown): boolean {
  return error instanceof APIConnectionTimeoutError || isNamed(error, "APIConnectionTimeoutError");
}

function isConnectionError(error: unknown): boolean {
  return error instanceof APIConnectionError || isNamed(error, "APIConnectionError");
}

function isNamed(value: unknown, name: string): boolean {
  return typeof value === "object" && value !== null && (value as { name?: unknown }).name === name;
}

function hasNetworkErrorCode(error: unknown): boolean {
  const code = (error as { code?: unknown; cause?: { code?: unknown } } | null)?.code;
  const causeCode = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return [code, causeCode].some(
    (c) => typeof c === "string" && /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/.test(c),
  );
}

function sanitize(message: string, redact: readonly string[] | undefined): string {
  let out = message;
  for (const secret of redact ?? []) {
    if (secret) out = out.split(secret).join("[redacted]");
  }
  return out.length > MAX_MESSAGE_LENGTH ? `${out.slice(0, MAX_MESSAGE_LENGTH)}…` : out;
}
