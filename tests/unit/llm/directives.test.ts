import { describe, expect, it } from "vitest";
import { DirectiveError, parseDirectiveList, parseMarkers } from "@/lib/llm/simulator";

describe("parseMarkers", () => {
  it("returns undefined for text without a marker", () => {
    expect(parseMarkers("Plan the release.")).toBeUndefined();
  });

  it("reads a status with retry-after and should-retry", () => {
    expect(parseMarkers("Hi [[sim:status=429,retry-after=1,should-retry=false]] there")).toEqual({
      status: 429,
      retryAfterSeconds: 1,
      shouldRetry: false,
    });
  });

  it("reads flags and counts", () => {
    expect(parseMarkers("[[sim:hang]]")).toEqual({ hang: true });
    expect(parseMarkers("[[sim:disconnect-after=5]]")).toEqual({ disconnectAfter: 5 });
    expect(parseMarkers("[[sim:error-after=0,type=api_error]]")).toEqual({
      errorAfter: 0,
      errorType: "api_error",
    });
    expect(parseMarkers("[[sim:invalid-json]]")).toEqual({ invalidJson: true });
    expect(parseMarkers("[[sim:fail-first=2,status=529]]")).toEqual({ failFirst: 2, status: 529 });
  });

  it("reads timing overrides", () => {
    expect(parseMarkers("[[sim: latency=1000, ttft=250, tps=40.5, tokens=12 ]]")).toEqual({
      latencyMs: 1000,
      ttftMs: 250,
      tokensPerSecond: 40.5,
      tokens: 12,
    });
  });

  it("merges several markers, the later one winning", () => {
    expect(parseMarkers("[[sim:status=500]] text [[sim:status=503,hang]]")).toEqual({
      status: 503,
      hang: true,
    });
  });

  it("rejects unknown directives, bad values and unterminated markers", () => {
    expect(() => parseMarkers("[[sim:stauts=500]]")).toThrow(DirectiveError);
    expect(() => parseMarkers("[[sim:status=200]]")).toThrow(/between 400 and 599/);
    expect(() => parseMarkers("[[sim:disconnect-after=-1]]")).toThrow(DirectiveError);
    expect(() => parseMarkers("[[sim:hang=yes]]")).toThrow(DirectiveError);
    expect(() => parseMarkers("[[sim:status=500")).toThrow(/unterminated/);
  });
});

describe("parseDirectiveList", () => {
  it("parses the bracket-less form used by the control endpoint", () => {
    expect(parseDirectiveList("status=529, retry-after-ms=150")).toEqual({
      status: 529,
      retryAfterMs: 150,
    });
    expect(parseDirectiveList("")).toEqual({});
  });
});
