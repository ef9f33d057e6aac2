import type Anthropic from "@anthropic-ai/sdk";
import type { ModelStreamEvent } from "@/lib/llm/types";

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
 * Used only where a stored JSON answer must be served as a stream: a stored stream is replayed
 * frame for frame instead.
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
