import { describe, expect, it } from "vitest";
import { AppError, type ErrorCode } from "@/lib/errors";
import { classifyFailure, shouldRetry } from "@/lib/orchestrator";

const error = (code: ErrorCode, options: ConstructorParameters<typeof AppError>[2] = {}) =>
  new AppError(code, code, options);

describe("shouldRetry", () => {
  const table: Array<[string, AppError, boolean]> = [
    ["a connection error", error("upstream_connection"), true],
    ["an upstream timeout", error("upstream_timeout"), true],
    ["a 429", error("upstream_rate_limited"), true],
    ["a 529", error("upstream_overloaded"), true],
    ["a 500", error("upstream_error", { status: 500 }), true],
    ["a 502", error("upstream_error", { status: 502 }), true],
    ["a 503", error("upstream_error", { status: 503 }), true],
    ["a 504", error("upstream_error", { status: 504 }), true],
    ["a 408", error("upstream_invalid_request", { status: 408 }), true],
    ["a 409", error("upstream_error", { status: 409 }), true],
    [
      "a 409 as lib/llm maps it",
      error("upstream_error", { details: { upstreamStatus: 409 } }),
      true,
    ],
    [
      "a 500 as lib/llm maps it",
      error("upstream_error", { details: { upstreamStatus: 500 } }),
      true,
    ],
    [
      "a 501 as lib/llm maps it",
      error("upstream_error", { details: { upstreamStatus: 501 } }),
      false,
    ],
    [
      "a 499 as lib/llm maps it",
      error("upstream_error", { details: { upstreamStatus: 499 } }),
      false,
    ],
    [
      "a 400 marked x-should-retry",
      error("upstream_invalid_request", { details: { shouldRetry: true } }),
      true,
    ],
    ["a stream that broke before any token", error("stream_interrupted"), true],
    ["a 400", error("upstream_invalid_request"), false],
    ["a 422", error("upstream_invalid_request", { status: 422 }), false],
    ["an auth failure", error("upstream_auth"), false],
    ["a 501", error("upstream_error", { status: 501 }), false],
    [
      "a 503 marked x-should-retry false",
      error("upstream_error", { status: 503, details: { shouldRetry: false } }),
      false,
    ],
    ["a cancellation", error("cancelled"), false],
    ["a run deadline", error("deadline_exceeded"), false],
    ["a validation error", error("validation_failed"), false],
    ["an open circuit", error("circuit_open"), false],
    [
      "a cancellation marked x-should-retry",
      error("cancelled", { details: { shouldRetry: true } }),
      false,
    ],
    ["an internal error", error("internal"), false],
    ["a plain Error", new Error("boom") as AppError, false],
  ];

  it.each(table)("classifies %s before any token as retry=%s", (_, failure, expected) => {
    expect(shouldRetry(failure, { tokensSeen: 0 })).toBe(expected);
  });

  it("never retries once a token has reached the caller, whatever the error", () => {
    for (const [, failure] of table) {
      expect(shouldRetry(failure, { tokensSeen: 1 })).toBe(false);
    }
  });

  it("names the rule that decided", () => {
    expect(classifyFailure(error("upstream_overloaded"), { tokensSeen: 3 }).reason).toMatch(
      /tokens/,
    );
  });
});
