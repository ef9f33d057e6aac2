import type Anthropic from "@anthropic-ai/sdk";
import { AppError } from "@/lib/errors";
import type { ModelStreamEvent } from "@/lib/llm/types";

/** The stored form of one complete response. Versioned so a format change is a miss, not a crash. */
export interface CachedResponse {
  v: 1;
  message: Anthropic.Message;
}

/**
 * Accumulates a live event stream into the Message it describes, one event at a time, so the
 * cache can tee a stream without buffering it twice. Mirrors the SDK's own accumulation.
 */
export class ResponseCollector {
  #message: Anthropic.Message | undefined;
  /** Partial tool input JSON per content index; parsed when its block stops. */
  #json = new Map<number, string>();
  #complete = false;

  /** True once message_stop has been seen after a message_start. */
  get complete(): boolean {
    return this.#complete;
  }

  push(event: ModelStreamEvent): void {
    switch (event.type) {
      case "message_start":
        this.#message = structuredClone(event.message);
        this.#json.clear();
        this.#complete = false;
        return;
      case "content_block_start":
        this.#started().content[event.index] = structuredClone(event.content_block);
        return;
      case "content_block_delta":
        this.#delta(event.index, event.delta);
        return;
      case "content_block_stop": {
        const partial = this.#json.get(event.index);
        if (partial === undefined) return;
        this.#json.delete(event.index);
        const block = this.#block(event.index);
        if (partial.length > 0 && "input" in block) block.input = JSON.parse(partial) as unknown;
        return;
      }
      case "message_delta": {
        const message = this.#started();
        const { delta, usage } = event;
        message.stop_reason = delta.stop_reason;
        message.stop_sequence = delta.stop_sequence;
        message.stop_details = delta.stop_details;
        if (delta.container !== null) message.container = delta.container;
        // Null in a delta means "unchanged since message_start", not "zero".
        message.usage.output_tokens = usage.output_tokens;
        if (usage.input_tokens !== null) message.usage.input_tokens = usage.input_tokens;
        if (usage.cache_creation_input_tokens !== null)
          message.usage.cache_creation_input_tokens = usage.cache_creation_input_tokens;
        if (usage.cache_read_input_tokens !== null)
          message.usage.cache_read_input_tokens = usage.cache_read_input_tokens;
        if (usage.server_tool_use !== null) message.usage.server_tool_use = usage.server_tool_use;
        if (usage.output_tokens_details !== null)
          message.usage.output_tokens_details = usage.output_tokens_details;
        return;
      }
      case "message_stop":
        this.#started();
        this.#complete = true;
        return;
    }
  }

  /** The accumulated message; throws stream_interrupted unless the stream completed. */
  result(): Anthropic.Message {
    if (!this.#complete || this.#message === undefined) {
      throw new AppError("stream_interrupted", "The model stream ended before message_stop");
    }
    return this.#message;
  }

  #delta(index: number, delta: Anthropic.RawContentBlockDelta): void {
    const block = this.#block(index);
    switch (delta.type) {
      case "text_delta":
        if (block.type === "text") block.text += delta.text;
        return;
      case "input_json_delta":
        this.#json.set(index, (this.#json.get(index) ?? "") + delta.partial_json);
        return;
      case "thinking_delta":
        if (block.type === "thinking") block.thinking += delta.thinking;
        return;
      case "signature_delta":
        if (block.type === "thinking") block.signature = delta.signature;
        return;
      case "citations_delta":
        if (block.type === "text") block.citations = [...(block.citations ?? []), delta.citation];
        return;
    }
  }

  #started(): Anthropic.Message {
    if (this.#message === undefined) {
      throw new AppError("stream_interrupted", "The model stream did not begin with message_start");
    }
    return this.#message;
  }

  #block(index: number): Anthropic.ContentBlock {
    const block = this.#started().content[index];
    if (block === undefined) {
      throw new AppError("stream_interrupted", `Delta for content block ${index} before its start`);
    }
    return block;
  }
}

/** Drains a complete event stream into its Message; throws stream_interrupted if it is partial. */
export async function collectResponse(
  events: AsyncIterable<ModelStreamEvent> | Iterable<ModelStreamEvent>,
): Promise<Anthropic.Message> {
  const collector = new ResponseCollector();
  for await (const event of events) collector.push(event);
  return collector.result();
}

export interface ReplayOptions {
  /**
   * Characters per text, thinking or tool-input delta: small enough to look like a live stream to
   * a UI, large enough that a long answer is not thousands of events.
   * @default 64
   */
  chunkSize?: number;
}

/**
 * The event sequence a live call produces for `message`: message_start (usage with input tokens,
 * empty content), per block content_block_start → deltas → content_block_stop, message_delta
 * (stop reason, output tokens), message_stop. Lazy, so a hit allocates one event at a time.
 * `collectResponse(replayEvents(m))` deep-equals `m`.
 */
export function* replayEvents(
  message: Anthropic.Message,
  options: ReplayOptions = {},
): Generator<ModelStreamEvent, void, undefined> {
  const chunkSize = Math.max(1, Math.floor(options.chunkSize ?? 64));
  yield {
    type: "message_start",
    message: {
      ...message,
      content: [],
      container: null,
      stop_reason: null,
      stop_sequence: null,
      stop_details: null,
      usage: { ...message.usage, output_tokens: 0 },
    },
  };
  for (const [index, block] of message.content.entries()) {
    yield* replayBlock(block, index, chunkSize);
    yield { type: "content_block_stop", index };
  }
  const { usage } = message;
  yield {
    type: "message_delta",
    delta: {
      container: message.container,
      stop_reason: message.stop_reason,
      stop_sequence: message.stop_sequence,
      stop_details: message.stop_details,
    },
    usage: {
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      server_tool_use: usage.server_tool_use,
      output_tokens_details: usage.output_tokens_details,
    },
  };
  yield { type: "message_stop" };
}

function* replayBlock(
  block: Anthropic.ContentBlock,
  index: number,
  chunkSize: number,
): Generator<ModelStreamEvent, void, undefined> {
  switch (block.type) {
    case "text": {
      yield {
        type: "content_block_start",
        index,
        content_block: { ...block, text: "", citations: block.citations === null ? null : [] },
      };
      for (const citation of block.citations ?? []) {
        yield { type: "content_block_delta", index, delta: { type: "citations_delta", citation } };
      }
      for (const text of chunks(block.text, chunkSize)) {
        yield { type: "content_block_delta", index, delta: { type: "text_delta", text } };
      }
      return;
    }
    case "thinking": {
      yield {
        type: "content_block_start",
        index,
        content_block: { ...block, thinking: "", signature: "" },
      };
      for (const thinking of chunks(block.thinking, chunkSize)) {
        yield { type: "content_block_delta", index, delta: { type: "thinking_delta", thinking } };
      }
      if (block.signature !== "") {
        yield {
          type: "content_block_delta",
          index,
          delta: { type: "signature_delta", signature: block.signature },
        };
      }
      return;
    }
    case "tool_use":
    case "server_tool_use": {
      yield { type: "content_block_start", index, content_block: { ...block, input: {} } };
      for (const partial_json of chunks(JSON.stringify(block.input ?? {}), chunkSize)) {
        yield {
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json },
        };
      }
      return;
    }
    default:
      // Tool results and redacted thinking arrive whole in a live stream too.
      yield { type: "content_block_start", index, content_block: block };
  }
}

/** Splits text into pieces of about `size` UTF-16 units without cutting a surrogate pair. */
function* chunks(text: string, size: number): Generator<string, void, undefined> {
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end += 1;
    yield text.slice(start, end);
    start = end;
  }
}

/** The one JSON encoding of a stored response; done once per store, never on a hit. */
export function serializeResponse(message: Anthropic.Message): string {
  const stored: CachedResponse = { v: 1, message };
  return JSON.stringify(stored);
}

/** Parses a stored response; throws AppError("internal") if it is not one (a bug, or tampering). */
export function parseResponse(text: string): Anthropic.Message {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new AppError("internal", "A cached response is not valid JSON", { cause });
  }
  const message = (parsed as Partial<CachedResponse> | null)?.message;
  if (
    (parsed as Partial<CachedResponse> | null)?.v !== 1 ||
    message?.type !== "message" ||
    !Array.isArray(message.content)
  ) {
    throw new AppError("internal", "A cached response has an unknown shape");
  }
  return message;
}
