import { describe, expect, it } from "vitest";
import { UsageScan, estimateInputTokens, holdFromAnswer } from "@/lib/outbound/upstream-hints";

const NOW = Date.UTC(2026, 11, 1, 8, 0, 0);

describe("holdFromAnswer", () => {
  it("holds for a 429's retry-after (retry-after-ms first), or a second when it names none", () => {
    expect(holdFromAnswer(429, new Headers({ "retry-after": "5" }), NOW)).toBe(5000);
    expect(
      holdFromAnswer(429, new Headers({ "retry-after": "5", "retry-after-ms": "1500" }), NOW),
    ).toBe(1500);
    expect(holdFromAnswer(429, new Headers(), NOW)).toBe(1000);
  });

  it("holds until the reset of a spent anthropic-ratelimit budget, and not while any is left", () => {
    const reset = new Date(NOW + 7000).toISOString();
    const spent = new Headers({
      "anthropic-ratelimit-requests-remaining": "3",
      "anthropic-ratelimit-input-tokens-remaining": "0",
      "anthropic-ratelimit-input-tokens-reset": reset,
    });
    expect(holdFromAnswer(200, spent, NOW)).toBe(7000);
    const left = new Headers({
      "anthropic-ratelimit-requests-remaining": "1",
      "anthropic-ratelimit-requests-reset": reset,
    });
    expect(holdFromAnswer(200, left, NOW)).toBe(0);
  });
});

describe("UsageScan", () => {
  it("reads input (uncached plus cache writes) and the last output count from SSE split anywhere", () => {
    const sse =
      'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":12,"cache_creation_input_tokens":300,"cache_read_input_tokens":40,"output_tokens":1}}}\n\n' +
      'event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":25}}\n\n';
    const bytes = new TextEncoder().encode(sse);
    const scan = new UsageScan();
    for (let i = 0; i < bytes.length; i += 7) scan.push(bytes.subarray(i, i + 7));
    expect(scan.inputTokens).toBe(312);
    expect(scan.outputTokens).toBe(25);
  });

  it("estimates about four bytes per token", () => {
    expect(estimateInputTokens("x".repeat(400))).toBe(100);
    expect(estimateInputTokens(new Uint8Array(8))).toBe(2);
  });
});
