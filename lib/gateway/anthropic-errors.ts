import "server-only";
import { type AppError, ERROR_STATUS, type ErrorCode } from "@/lib/errors";
import { toAppError } from "@/lib/http/errors";
import { logger } from "@/lib/log";
import { newRequestId } from "./request-id";

/** The `error.type` values the Anthropic API documents (clients switch on them). */
export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "billing_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "timeout_error"
  | "overloaded_error";

/** The API's error body: `{"type":"error","error":{"type","message"},"request_id"}`. */
export interface AnthropicErrorBody {
  type: "error";
  error: { type: AnthropicErrorType | (string & {}); message: string };
  request_id: string;
}

/**
 * Every code of ours → the status and type the API uses for that kind of failure. Total, so a new
 * code cannot slip through as a bare 500. 4xx the API does not list are `invalid_request_error`.
 */
const ANTHROPIC_BY_CODE: Record<ErrorCode, [status: number, type: AnthropicErrorType]> = {
  invalid_json: [400, "invalid_request_error"],
  bad_request: [400, "invalid_request_error"],
  validation_failed: [400, "invalid_request_error"],
  unauthorized: [401, "authentication_error"],
  forbidden: [403, "permission_error"],
  not_found: [404, "not_found_error"],
  conflict: [409, "invalid_request_error"],
  payload_too_large: [413, "request_too_large"],
  rate_limited: [429, "rate_limit_error"],
  budget_exceeded: [429, "rate_limit_error"],
  cancelled: [499, "api_error"],
  deadline_exceeded: [504, "timeout_error"],
  circuit_open: [529, "overloaded_error"],
  interrupted: [503, "api_error"],
  upstream_rate_limited: [429, "rate_limit_error"],
  upstream_overloaded: [529, "overloaded_error"],
  upstream_timeout: [504, "timeout_error"],
  upstream_connection: [502, "api_error"],
  upstream_invalid_request: [400, "invalid_request_error"],
  // The server's own Anthropic key was refused: the gateway's fault, never the client's 401.
  upstream_auth: [502, "api_error"],
  upstream_error: [502, "api_error"],
  stream_interrupted: [502, "api_error"],
  unavailable: [503, "api_error"],
  internal: [500, "api_error"],
};

const UPSTREAM_AUTH_MESSAGE =
  "The gateway's upstream credentials were refused by the Anthropic API; an administrator must check ANTHROPIC_API_KEY.";

/** Our older messages carried an `Upstream 429: ` style prefix; the API's own wording has none. */
const UPSTREAM_PREFIX = /^Upstream(?: \d{3}| error| stream failed)?: /;

/** `model: model: Field required` (zod's path plus a message that already names it) → once. */
function withoutRepeatedField(message: string, field: string | undefined): string {
  if (!field) return message;
  const twice = `${field}: ${field}: `;
  return message.startsWith(twice) ? message.slice(field.length + 2) : message;
}

function messageOf(appError: AppError, clientCredentials: boolean): string {
  if (appError.code === "internal") return "Internal server error";
  if (appError.code === "upstream_auth" && !clientCredentials) return UPSTREAM_AUTH_MESSAGE;
  return withoutRepeatedField(appError.message.replace(UPSTREAM_PREFIX, ""), appError.field);
}

/**
 * Any thrown value, as the Anthropic API would have answered it: the API's status, `error.type`
 * and wording, plus a `request_id`. An upstream error keeps the upstream's status and type —
 * except the upstream refusing the *server's* key (`upstream_auth`), which is reported as the
 * gateway's 502 `api_error` unless `details.clientCredentials` says the key was the client's own.
 *
 * A status set explicitly on the AppError (e.g. `{ status: 405 }` on a bad_request) is kept.
 */
export function toAnthropicError(
  error: unknown,
  requestId: string = newRequestId(),
): { status: number; body: AnthropicErrorBody; appError: AppError } {
  const appError = toAppError(error);
  const details = appError.details ?? {};
  const clientCredentials = details.clientCredentials === true;
  const upstreamStatus = details.upstreamStatus;
  const upstreamType = details.upstreamType;
  let [status, type]: [number, string] = ANTHROPIC_BY_CODE[appError.code];
  if (appError.status !== ERROR_STATUS[appError.code]) status = appError.status;
  const keepUpstream = appError.code !== "upstream_auth" || clientCredentials;
  if (keepUpstream && typeof upstreamStatus === "number" && typeof upstreamType === "string") {
    [status, type] = [upstreamStatus, upstreamType];
  }
  if (appError.code === "internal" || (appError.code === "upstream_auth" && !clientCredentials)) {
    logger.child("gateway").error(`gateway error ${requestId}: ${appError.message}`, {
      code: appError.code,
      cause: appError.cause instanceof Error ? appError.cause.stack : String(appError.cause ?? ""),
    });
  }
  const message = messageOf(appError, clientCredentials);
  return {
    status,
    body: { type: "error", error: { type, message }, request_id: requestId },
    appError,
  };
}

/**
 * The Response for an error the gateway answers itself: the API's envelope, a `request-id`
 * header equal to the body's `request_id`, and `retry-after` (whole seconds, as the API sends it)
 * when the error knows how long to wait. `headers` (e.g. rate-limit counts) are kept.
 */
export function anthropicErrorResponse(
  error: unknown,
  headers?: HeadersInit,
  requestId: string = newRequestId(),
): Response {
  return mappedErrorResponse(toAnthropicError(error, requestId), headers);
}

/** `anthropicErrorResponse` for an error already mapped (so it is mapped, and logged, once). */
export function mappedErrorResponse(
  mapped: ReturnType<typeof toAnthropicError>,
  headers?: HeadersInit,
): Response {
  const h = new Headers(headers);
  h.set("request-id", mapped.body.request_id);
  const retryAfterMs = mapped.appError.retryAfterMs;
  if (retryAfterMs !== undefined && !h.has("retry-after")) {
    h.set("retry-after", String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  }
  // A used-up budget clears only when its window resets (hours away): SDKs must not retry it.
  if (mapped.appError.code === "budget_exceeded") h.set("x-should-retry", "false");
  return Response.json(mapped.body, { status: mapped.status, headers: h });
}

/** The envelope's bytes for one type and message, for answers built without an AppError. */
export function anthropicErrorBody(
  type: AnthropicErrorType,
  message: string,
  requestId: string,
): AnthropicErrorBody {
  return { type: "error", error: { type, message }, request_id: requestId };
}
