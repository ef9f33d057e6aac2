import {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
  RequestTimeoutError,
  ServiceUnavailableError,
  UnprocessableEntityError,
} from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { codeForStatus, mapUpstreamError } from "@/lib/llm/map-error";

const body = (type: string, message = "boom") => ({ type: "error", error: { type, message } });

describe("mapUpstreamError", () => {
  it("maps a 429 to upstream_rate_limited and keeps retry-after and x-should-retry", () => {
    const error = new RateLimitError(
      429,
      body("rate_limit_error", "slow down"),
      undefined,
      new Headers({ "retry-after": "2", "x-should-retry": "true", "request-id": "req_1" }),
    );
    const mapped = mapUpstreamError(error);
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped.code).toBe("upstream_rate_limited");
    expect(mapped.status).toBe(429);
    expect(mapped.retryAfterMs).toBe(2000);
    expect(mapped.details).toMatchObject({
      upstreamStatus: 429,
      upstreamType: "rate_limit_error",
      shouldRetry: true,
      upstreamRequestId: "req_1",
    });
    expect(mapped.message).toContain("slow down");
    expect(mapped.cause).toBe(error);
  });

  it("maps a 529 and any overloaded_error body to upstream_overloaded", () => {
    const a = new OverloadedError(529, body("overloaded_error"), undefined, new Headers());
    expect(mapUpstreamError(a).code).toBe("upstream_overloaded");
    expect(mapUpstreamError(a).details?.upstreamStatus).toBe(529);
    const b = new ServiceUnavailableError(503, body("overloaded_error"), undefined, new Headers());
    expect(mapUpstreamError(b).code).toBe("upstream_overloaded");
  });

  it("maps 408 and connection timeouts to upstream_timeout", () => {
    const a = new RequestTimeoutError(408, body("timeout_error"), undefined, new Headers());
    expect(mapUpstreamError(a).code).toBe("upstream_timeout");
    expect(mapUpstreamError(new APIConnectionTimeoutError()).code).toBe("upstream_timeout");
  });

  it("maps a connection error to upstream_connection", () => {
    const error = new APIConnectionError({ cause: new TypeError("fetch failed") });
    expect(mapUpstreamError(error).code).toBe("upstream_connection");
  });

  const invalid = body("invalid_request_error");
  it.each([
    [400, new BadRequestError(400, invalid, undefined, new Headers())],
    [404, new NotFoundError(404, invalid, undefined, new Headers())],
    [413, new APIError(413, invalid, undefined, new Headers())],
    [422, new UnprocessableEntityError(422, invalid, undefined, new Headers())],
  ])("maps a %i to upstream_invalid_request", (status, error) => {
    const mapped = mapUpstreamError(error);
    expect(mapped.code).toBe("upstream_invalid_request");
    expect(mapped.details?.upstreamStatus).toBe(status);
  });

  it("maps 401 and 403 to upstream_auth, which our callers see as a 502", () => {
    const a = new AuthenticationError(401, body("authentication_error"), undefined, new Headers());
    const b = new PermissionDeniedError(403, body("permission_error"), undefined, new Headers());
    expect(mapUpstreamError(a).code).toBe("upstream_auth");
    expect(mapUpstreamError(a).status).toBe(502);
    expect(mapUpstreamError(b).code).toBe("upstream_auth");
  });

  it("maps 5xx to upstream_error, keeping the upstream status in details", () => {
    const a = new InternalServerError(500, body("api_error"), undefined, new Headers());
    expect(mapUpstreamError(a).code).toBe("upstream_error");
    expect(mapUpstreamError(a).status).toBe(502);
    expect(mapUpstreamError(a).details?.upstreamStatus).toBe(500);
    const b = new ServiceUnavailableError(503, body("api_error"), undefined, new Headers());
    expect(mapUpstreamError(b).status).toBe(503);
    const c = new APIError(502, body("api_error"), undefined, new Headers());
    expect(mapUpstreamError(c).code).toBe("upstream_error");
  });

  it("reports an SDK abort as cancelled, and an abort by AbortSignal.timeout as upstream_timeout", () => {
    expect(mapUpstreamError(new APIUserAbortError()).code).toBe("cancelled");
    const controller = new AbortController();
    controller.abort();
    expect(mapUpstreamError(new TypeError("terminated"), { signal: controller.signal }).code).toBe(
      "cancelled",
    );
    const timedOut = new AbortController();
    timedOut.abort(new DOMException("timed out", "TimeoutError"));
    expect(mapUpstreamError(new APIUserAbortError(), { signal: timedOut.signal }).code).toBe(
      "upstream_timeout",
    );
  });

  it("maps an error event inside a stream to stream_interrupted once events were delivered", () => {
    const error = new APIError(
      undefined,
      body("overloaded_error", "Overloaded"),
      undefined,
      new Headers(),
    );
    const mid = mapUpstreamError(error, { midStream: true });
    expect(mid.code).toBe("stream_interrupted");
    expect(mid.details).toMatchObject({ upstreamType: "overloaded_error", midStream: true });
    // Before anything reached the caller, the event's type decides.
    expect(mapUpstreamError(error, { midStream: false }).code).toBe("upstream_overloaded");
  });

  it("maps a socket that dies while the body is read to stream_interrupted or upstream_connection", () => {
    const terminated = new TypeError("terminated");
    expect(mapUpstreamError(terminated, { midStream: true }).code).toBe("stream_interrupted");
    expect(mapUpstreamError(terminated).code).toBe("upstream_connection");
  });

  it("maps an unreadable response to upstream_error with reason invalid_response", () => {
    const mapped = mapUpstreamError(new SyntaxError("Unexpected end of JSON input"));
    expect(mapped.code).toBe("upstream_error");
    expect(mapped.details?.reason).toBe("invalid_response");
  });

  it("maps the SDK's own client-side failures to internal", () => {
    expect(mapUpstreamError(new AnthropicError("Cannot iterate over a consumed stream")).code).toBe(
      "internal",
    );
  });

  it("returns an AppError unchanged", () => {
    const error = new AppError("circuit_open", "open");
    expect(mapUpstreamError(error)).toBe(error);
  });

  it("never puts the API key or request headers in the message", () => {
    const key = "sk-ant-secret-123";
    const error = new AuthenticationError(
      401,
      body("authentication_error", `invalid x-api-key ${key}`),
      undefined,
      new Headers({ "request-id": "req_2" }),
    );
    const mapped = mapUpstreamError(error, { redact: [key] });
    expect(mapped.message).not.toContain(key);
    expect(mapped.message).toContain("[redacted]");
    expect(JSON.stringify(mapped.details)).not.toContain(key);
    expect(mapped.message.toLowerCase()).not.toContain("authorization");
  });
});

describe("codeForStatus", () => {
  it("treats 409 and unknown 5xx as transient upstream errors and other 4xx as the request's fault", () => {
    expect(codeForStatus(409)).toBe("upstream_error");
    expect(codeForStatus(599)).toBe("upstream_error");
    expect(codeForStatus(413)).toBe("upstream_invalid_request");
    expect(codeForStatus(418)).toBe("upstream_invalid_request");
    expect(codeForStatus(504)).toBe("upstream_timeout");
  });
});
