import type Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import {
  collectResponse,
  parseResponse,
  replayEvents,
  serializeResponse,
} from "@/lib/cache/cached-response";
import { makeMessage, scripted } from "./fixtures/model";

const toolUse: Anthropic.ContentBlock = {
  type: "tool_use",
  id: "toolu_1",
  name: "get_weather",
  input: { city: "Zürich", days: [1, 2], nested: { ok: true } },
  caller: { type: "direct" },
};
const thinking: Anthropic.ContentBlock = {
  type: "thinking",
  thinking: "Let me think… 🤔 carefully",
  signature: "sig==",
};

describe("replayEvents and collectResponse", () => {
  it("round-trip a text answer exactly", async () => {
    const message = makeMessage("Hello 👋 world, this is a longer answer split into chunks.");
    expect(await collectResponse(replayEvents(message, { chunkSize: 5 }))).toEqual(message);
  });

  it("round-trip thinking, text and tool_use blocks with tool input rebuilt from JSON deltas", async () => {
    const message = makeMessage(
      [thinking, { type: "text", text: "Checking.", citations: null }, toolUse],
      {
        stop_reason: "tool_use",
        usage: { ...makeMessage().usage, cache_read_input_tokens: 7 },
      },
    );
    expect(await collectResponse(replayEvents(message, { chunkSize: 3 }))).toEqual(message);
  });

  it("produce the live event order with usage split between start and delta", () => {
    const events = [...replayEvents(makeMessage("abcdefgh"), { chunkSize: 3 })];
    expect(events.map((e) => e.type)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    const start = events[0];
    expect(start?.type === "message_start" && start.message.content).toEqual([]);
    expect(start?.type === "message_start" && start.message.usage.input_tokens).toBe(12);
    const delta = events[6];
    expect(delta?.type === "message_delta" && delta.usage.output_tokens).toBe(34);
    expect(delta?.type === "message_delta" && delta.delta.stop_reason).toBe("end_turn");
  });

  it("never split a surrogate pair across chunks", () => {
    const texts = [...replayEvents(makeMessage("a😀b😀c😀"), { chunkSize: 2 })].flatMap((e) =>
      e.type === "content_block_delta" && e.delta.type === "text_delta" ? [e.delta.text] : [],
    );
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (const text of texts) expect(text).not.toMatch(loneSurrogate);
    expect(texts.join("")).toBe("a😀b😀c😀");
  });

  it("reject a stream that ends before message_stop", async () => {
    const partial = scripted(makeMessage(), undefined, { truncateAt: 5 });
    await expect(collectResponse(partial)).rejects.toMatchObject({ code: "stream_interrupted" });
  });
});

describe("serializeResponse and parseResponse", () => {
  it("round-trip and reject foreign JSON", () => {
    const message = makeMessage();
    expect(parseResponse(serializeResponse(message))).toEqual(message);
    expect(() => parseResponse('{"v":2}')).toThrow();
    expect(() => parseResponse("not json")).toThrow();
  });
});
