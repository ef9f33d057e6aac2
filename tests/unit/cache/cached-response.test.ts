import type Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { replayEvents } from "@/lib/cache/cached-response";
import { accumulate, replayBody } from "@/lib/cache/replay";
import {
  decodeStored,
  encodeStored,
  freshMessageId,
  locateMessageId,
  type StoredResponse,
  withFreshId,
} from "@/lib/cache/stored-response";
import type { ModelStreamEvent } from "@/lib/llm/types";
import { makeMessage } from "./fixtures/model";

/** The SDK's own accumulation over events (what a JSON answer from a stored stream is built by). */
const collectResponse = (events: Iterable<ModelStreamEvent>) =>
  accumulate([...events].map((event) => JSON.stringify(event)));

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
});

const SSE_BODY =
  `event: message_start\ndata: {"type": "message_start", "message": {"id": "msg_01ABCDEFGH", "type": "message", "role": "assistant", "content": [], "model": "m", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 5, "output_tokens": 1}}}\n\n` +
  `event: ping\ndata: {"type": "ping"}\n\n` +
  `event: content_block_start\ndata: {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}\n\n` +
  `event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}}\n\n` +
  `event: content_block_stop\ndata: {"type": "content_block_stop", "index": 0}\n\n` +
  `event: message_delta\ndata: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 7}}\n\n` +
  `event: message_stop\ndata: {"type": "message_stop"}\n\n`;

function storedSse(): StoredResponse {
  const at = locateMessageId(SSE_BODY)!;
  return {
    format: "sse",
    body: SSE_BODY,
    idStart: at.start,
    idLength: at.length,
    inputTokens: 5,
    outputTokens: 7,
  };
}

describe("the stored format", () => {
  it("round-trips and reads an older format as unreadable, never as an answer", () => {
    const stored = storedSse();
    expect(decodeStored(encodeStored(stored))).toEqual(stored);
    expect(() => decodeStored('{"v":1,"message":{}}')).toThrow();
    expect(() => decodeStored("not a stored answer")).toThrow();
  });

  it("finds the message id and replaces it with a fresh one of the same shape", () => {
    const stored = storedSse();
    expect(SSE_BODY.slice(stored.idStart, stored.idStart + stored.idLength)).toBe("msg_01ABCDEFGH");
    const a = withFreshId(stored);
    const b = withFreshId(stored);
    expect(a.sourceId).toBe("msg_01ABCDEFGH");
    expect(a.body).not.toBe(b.body);
    expect(a.body.length).toBe(SSE_BODY.length);
    const blank = (text: string) => text.replace(/"id": "msg_[A-Za-z0-9]+"/, '"id": ""');
    expect(blank(a.body)).toBe(blank(SSE_BODY));
    expect(freshMessageId("msg_01ABCDEFGH")).toMatch(/^msg_[A-Za-z0-9]{10}$/);
  });

  it("serves a stored stream as JSON through the SDK's accumulation, keeping usage from message_start", async () => {
    const { text, sourceId } = await replayBody(storedSse(), "json");
    const message = JSON.parse(text) as Anthropic.Message;
    expect(sourceId).toBe("msg_01ABCDEFGH");
    expect(message.id).not.toBe(sourceId);
    expect(message.content).toEqual([{ type: "text", text: "Hi" }]);
    expect(message.usage).toMatchObject({ input_tokens: 5, output_tokens: 7 });
    expect(message.stop_reason).toBe("end_turn");
  });

  it("serves a stored JSON answer as a stream of its events", async () => {
    const body = JSON.stringify(makeMessage("Hello"));
    const at = locateMessageId(body)!;
    const stored: StoredResponse = {
      format: "json",
      body,
      idStart: at.start,
      idLength: at.length,
      inputTokens: 12,
      outputTokens: 34,
    };
    const { text } = await replayBody(stored, "sse");
    expect(text.startsWith("event: message_start\n")).toBe(true);
    expect(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
    expect(text).not.toContain('"msg_01"');
  });
});
