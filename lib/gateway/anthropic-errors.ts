import "server-only";
import { type AppError, type ErrorCode } from "@/lib/errors";
import { toAppError } from "@/lib/http/errors";
import { logger } from "@/lib/log";

/** Anthropic's error types, by the HTTP status the API uses for each. */
const TYPE_BY_CODE: Partial<Record<ErrorCode, [status: number, type: string]>> = {
  invalid_json: [400, "invalid_request_error"],
  bad_request: [400, "invalid_request_error"],
  validation_failed: [400, "invalid_request_error"],
  payload_too_large: [413, "request_too_large"],
  unauthorized: [401, "authentication_error"],
  forbidden: [403, "permission_error"],
  not_found: [404, "not_found_error"],
  rate_limited: [429, "rate_limit_error"],
  upstream_rate_limited: [429, "rate_limit_error"],
  upstream_overloaded: [529, "overloaded_error"],
  upstream_invalid_request: [400, "invalid_request_error"],
  upstream_timeout: [504, "timeout_error"],
  circuit_open: [529, "overloaded_error"],
  cancelled: [499, "api_error"],
};

export interface AnthropicErrorBody {
  type: "error";
  error: { type: string; message: string };
}

/**
 * Any error, as the Anthropic API would have answered it: the same status and the same
 * `{"type":"error","error":{"type","message"}}` body, so SDK clients raise their own error classes.
 * An upstream error keeps the upstream's status and type exactly.
 */
export function toAnthropicError(error: unknown): {
  status: number;
  body: AnthropicErrorBody;
  appError: AppError;
} {
  const appError = toAppError(error);
  const upstreamStatus = appError.details?.upstreamStatus;
  const upstreamType = appError.details?.upstreamType;
  let status: number;
  let type: string;
  if (typeof upstreamStatus === "number" && typeof upstreamType === "string") {
    [status, type] = [upstreamStatus, upstreamType];
  } else {
    [status, type] = TYPE_BY_CODE[appError.code] ?? [
      appError.status >= 500 ? 500 : appError.status,
      "api_error",
    ];
  }
  if (status >= 500 && appError.code === "internal") {
    logger
      .child("gateway")
      .error("unhandled gateway error", { cause: String(appError.cause ?? "") });
  }
  const message = appError.code === "internal" ? "Internal server error" : appError.message;
  return { status, body: { type: "error", error: { type, message } }, appError };
}

export function anthropicErrorResponse(error: unknown, headers?: HeadersInit): Response {
  const { status, body, appError } = toAnthropicError(error);
  const h = new Headers(headers);
  if (appError.retryAfterMs !== undefined) {
    h.set("retry-after", String(Math.max(1, Math.ceil(appError.retryAfterMs / 1000))));
  }
  return Response.json(body, { status, headers: h });
}
