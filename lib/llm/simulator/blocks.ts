/**
 * The content of an answer — an optional `thinking` block (when the request enables thinking), the
 * text, and an optional `tool_use` block (./tools.ts) — and its two encodings: the JSON `content`
 * array and the SSE frames of each block (start, deltas, stop), as the API streams them.
 */
import { createHash } from "node:crypto";
import { countTokens, generateAnswer, splitDeltas, type Answer } from "./answer";
import type { SimDirectives } from "./directives";
import type { SimRequest } from "./request";
import { chooseTool } from "./tools";
import { sseEvent } from "./wire";

export type Block =
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

export interface Content {
  blocks: Block[];
  outputTokens: number;
  stopReason: Answer["stopReason"] | "tool_use";
  stopSequence: string | null;
}

export interface ContentOptions {
  lengthRange: readonly [number, number];
  /** A unique tool_use id. */
  nextToolId(): string;
}

/** Thinking takes at most this share of max_tokens, so there is always room for an answer. */
const THINKING_SHARE = 0.5;

function thinkingBlock(request: SimRequest, hash: string): Block | undefined {
  const t = request.thinking;
  if (!t || t.type === "disabled") return undefined;
  const budget = t.type === "enabled" ? t.budget_tokens : request.max_tokens;
  const seed = createHash("sha256").update(`thinking:${hash}`).digest("hex");
  const maxTokens = Math.max(1, Math.min(budget, Math.floor(request.max_tokens * THINKING_SHARE)));
  const { text } = generateAnswer(seed, { maxTokens, lengthRange: [16, 48] });
  // Opaque to clients, stable per request: what a replay must carry back unchanged.
  const signature = createHash("sha256").update(`signature:${hash}`).digest("base64");
  return { type: "thinking", thinking: text, signature };
}

/** The whole content of the answer to `request`. */
export function buildContent(
  request: SimRequest,
  hash: string,
  d: SimDirectives,
  options: ContentOptions,
): Content {
  const blocks: Block[] = [];
  const thinking = thinkingBlock(request, hash);
  let used = 0;
  if (thinking?.type === "thinking") {
    blocks.push(thinking);
    used = countTokens(thinking.thinking);
  }
  const tool = chooseTool(request, d);
  if (tool) {
    const text = `I'll use the ${tool.name} tool for this.`;
    blocks.push({ type: "text", text });
    blocks.push({ type: "tool_use", id: options.nextToolId(), ...tool });
    return {
      blocks,
      outputTokens: used + countTokens(text) + countTokens(JSON.stringify(tool.input)),
      stopReason: "tool_use",
      stopSequence: null,
    };
  }
  const answer = generateAnswer(hash, {
    maxTokens: Math.max(1, request.max_tokens - used),
    tokens: d.tokens,
    lengthRange: options.lengthRange,
    stopSequences: request.stop_sequences,
  });
  blocks.push({ type: "text", text: answer.text });
  return {
    blocks,
    outputTokens: used + answer.outputTokens,
    stopReason: answer.stopReason,
    stopSequence: answer.stopSequence,
  };
}

/** One SSE frame of a streamed block; `tokens` paces it, `delta` counts for mid-stream faults. */
export interface StreamItem {
  frame: string;
  delta: boolean;
  tokens: number;
}

const delta = (index: number, json: string, tokens: number): StreamItem => ({
  frame: sseEvent(
    "content_block_delta",
    `{"type":"content_block_delta","index":${index},"delta":${json}}`,
  ),
  delta: true,
  tokens,
});

const control = (name: string, json: string): StreamItem => ({
  frame: sseEvent(name, json),
  delta: false,
  tokens: 0,
});

/** Splits a JSON text into pieces of about `size` characters (tool input arrives like this). */
function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** The frames of every block, with a ping after the first content_block_start (as the API does). */
export function streamItems(blocks: readonly Block[], tokensPerDelta: number): StreamItem[] {
  const items: StreamItem[] = [];
  blocks.forEach((block, index) => {
    const start = (json: string) =>
      control(
        "content_block_start",
        `{"type":"content_block_start","index":${index},"content_block":${json}}`,
      );
    if (block.type === "thinking") {
      items.push(start(`{"type":"thinking","thinking":"","signature":""}`));
      for (const piece of splitDeltas(block.thinking, tokensPerDelta)) {
        const json = `{"type":"thinking_delta","thinking":${JSON.stringify(piece)}}`;
        items.push(delta(index, json, countTokens(piece)));
      }
      items.push(
        delta(
          index,
          `{"type":"signature_delta","signature":${JSON.stringify(block.signature)}}`,
          0,
        ),
      );
    } else if (block.type === "text") {
      items.push(start(`{"type":"text","text":""}`));
      for (const piece of splitDeltas(block.text, tokensPerDelta)) {
        items.push(
          delta(index, `{"type":"text_delta","text":${JSON.stringify(piece)}}`, countTokens(piece)),
        );
      }
    } else {
      items.push(
        start(
          `{"type":"tool_use","id":${JSON.stringify(block.id)},"name":${JSON.stringify(block.name)},"input":{}}`,
        ),
      );
      // The API's first input_json_delta is empty; the rest are raw slices of the JSON text.
      const pieces = ["", ...chunks(JSON.stringify(block.input), tokensPerDelta * 4)];
      for (const piece of pieces) {
        const json = `{"type":"input_json_delta","partial_json":${JSON.stringify(piece)}}`;
        items.push(delta(index, json, countTokens(piece)));
      }
    }
    if (index === 0) items.splice(1, 0, control("ping", `{"type": "ping"}`));
    items.push(control("content_block_stop", `{"type":"content_block_stop","index":${index}}`));
  });
  return items;
}
