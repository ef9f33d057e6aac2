import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { anthropicErrorResponse, toAnthropicError } from "@/lib/gateway/anthropic-errors";
import { newRequestId } from "@/lib/gateway/request-id";

describe("the gateway's error envelope", () => {
  it.each([
    [new AppError("invalid_json", "bad"), 400, "invalid_request_error"],
    [new AppError("validation_failed", "model: Field required"), 400, "invalid_request_error"],
    [new AppError("unauthorized", "x-api-key header is required"), 401, "authentication_error"],
    [new AppError("forbidden", "no"), 403, "permission_error"],
    [new AppError("not_found", "Not Found"), 404, "not_found_error"],
    [new AppError("payload_too_large", "big"), 413, "request_too_large"],
    [new AppError("rate_limited", "slow"), 429, "rate_limit_error"],
    [new AppError("upstream_overloaded", "Overloaded"), 529, "overloaded_error"],
    [new AppError("unavailable", "db down"), 503, "api_error"],
    [new Error("boom"), 500, "api_error"],
  ])("maps %s to %i %s", (error, status, type) => {
    const mapped = toAnthropicError(error, "req_test");
    expect(mapped.status).toBe(status);
    expect(mapped.body.type).toBe("error");
    expect(mapped.body.error.type).toBe(type);
    expect(mapped.body.request_id).toBe("req_test");
  });

  it("keeps an explicitly set status (a 405 is still an invalid_request_error)", () => {
    const mapped = toAnthropicError(
      new AppError("bad_request", "Method Not Allowed", { status: 405 }),
    );
    expect([mapped.status, mapped.body.error.type]).toEqual([405, "invalid_request_error"]);
  });

  it("never says Internal details, never prefixes Upstream NNN, never names a field twice", () => {
    expect(toAnthropicError(new Error("secret path /etc")).body.error.message).toBe(
      "Internal server error",
    );
    const upstream = new AppError(
      "upstream_rate_limited",
      "Upstream 429: Number of requests exceeded",
      {
        details: { upstreamStatus: 429, upstreamType: "rate_limit_error" },
      },
    );
    expect(toAnthropicError(upstream).body.error.message).toBe("Number of requests exceeded");
    const twice = new AppError("validation_failed", "model: model: Field required", {
      field: "model",
    });
    expect(toAnthropicError(twice).body.error.message).toBe("model: Field required");
  });

  it("keeps an upstream error's own status and type", () => {
    const error = new AppError("upstream_error", "Upstream 500: Internal server error", {
      details: { upstreamStatus: 500, upstreamType: "api_error" },
    });
    expect(toAnthropicError(error).status).toBe(500);
  });

  it("reports the upstream refusing the server's key as the gateway's fault, not the client's", () => {
    const error = new AppError("upstream_auth", "Upstream 401: invalid x-api-key", {
      details: { upstreamStatus: 401, upstreamType: "authentication_error" },
    });
    const mapped = toAnthropicError(error);
    expect(mapped.status).toBe(502);
    expect(mapped.body.error.type).toBe("api_error");
    expect(mapped.body.error.message).toMatch(/gateway's upstream credentials were refused/);
    // With the client's own credential, the 401 is the client's to see.
    const own = new AppError("upstream_auth", "Upstream 401: invalid x-api-key", {
      details: {
        upstreamStatus: 401,
        upstreamType: "authentication_error",
        clientCredentials: true,
      },
    });
    expect(toAnthropicError(own).status).toBe(401);
    expect(toAnthropicError(own).body.error.message).toBe("invalid x-api-key");
  });

  it("answers with a request-id header equal to the body's request_id, and retry-after in seconds", async () => {
    const response = anthropicErrorResponse(
      new AppError("rate_limited", "slow down", { retryAfterMs: 1500 }),
      { "x-ratelimit-limit": "10" },
    );
    const body = await response.json();
    expect(response.status).toBe(429);
    expect(response.headers.get("request-id")).toBe(body.request_id);
    expect(body.request_id).toMatch(/^req_[1-9A-HJ-NP-Za-km-z]{24}$/);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(response.headers.get("x-ratelimit-limit")).toBe("10");
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
  });

  it("makes a fresh request id every time", () => {
    const ids = new Set(Array.from({ length: 1000 }, newRequestId));
    expect(ids.size).toBe(1000);
  });
});
