import { describe, expect, it } from "vitest";
import { callSpend, UsageTap, warmCallRow } from "@/lib/gateway/call-spend";
import { createPriceTable } from "@/lib/spend/price-table";

const table = createPriceTable();
const START =
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":12,"cache_creation_input_tokens":300,"cache_read_input_tokens":40,"cache_creation":{"ephemeral_5m_input_tokens":100,"ephemeral_1h_input_tokens":200},"output_tokens":1}}}\n\n';
const DELTA_TEXT =
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\\nevent: message_delta\\ndata: {}"}}\n\n';
const END =
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":25}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n';

describe("UsageTap", () => {
  it("reads usage from message_start and message_delta frames, frame by frame or all at once", () => {
    const framed = new UsageTap();
    for (const frame of [START, DELTA_TEXT, END]) framed.frames(frame);
    const whole = new UsageTap();
    whole.frames(START + DELTA_TEXT + END);
    const expected = {
      inputTokens: 12,
      outputTokens: 25,
      cacheWrite5mTokens: 100,
      cacheWrite1hTokens: 200,
      cacheReadTokens: 40,
    };
    expect(framed.usage).toEqual(expected);
    expect(whole.usage).toEqual(expected);
  });

  it("prices a call and counts a cache hit as free and saved; count_tokens costs nothing", () => {
    const tap = new UsageTap();
    tap.json('{"type":"message","usage":{"input_tokens":1000,"output_tokens":100}}');
    const model = "claude-haiku-4-5";
    const price = table.cost(model, { ...tap.usage });
    const ctx = { model, endpoint: "messages" as const, fallback: undefined };
    expect(callSpend(tap, { ...ctx, servedFromCache: false })).toMatchObject({
      costUsd: price,
      savedUsd: 0,
    });
    expect(callSpend(tap, { ...ctx, servedFromCache: true })).toMatchObject({
      costUsd: 0,
      savedUsd: price,
    });
    expect(
      callSpend(tap, { ...ctx, endpoint: "count_tokens", servedFromCache: false }).costUsd,
    ).toBe(0);
    expect(price).toBe((1000 * 1 + 100 * 5) / 1_000_000);
  });

  it("turns a warm call into a keyless log row with its cost", () => {
    const usage = {
      inputTokens: 10,
      outputTokens: 5,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      cacheReadTokens: 0,
    };
    const row = warmCallRow({
      teamId: "t",
      model: "claude-sonnet-5-5",
      cacheStatus: "miss",
      usage,
      latencyMs: 3,
    });
    expect(row).toMatchObject({
      apiKeyId: null,
      path: "/cache/warm",
      costUsd: table.cost("claude-sonnet-5-5", usage),
    });
  });
});
