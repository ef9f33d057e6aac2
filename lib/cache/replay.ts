import type Anthropic from "@anthropic-ai/sdk";
import { MessageStream } from "@anthropic-ai/sdk/lib/MessageStream";
import { replayEvents } from "./cached-response";
import { frameData, frameEventName, SseFrameSplitter } from "./sse-frames";
import { type BodyFormat, type StoredResponse, withFreshId } from "./stored-response";

/**
 * A stored answer as a caller wants it, with a fresh message id. Same format: the stored bytes
 * verbatim (id aside). A JSON answer asked for as a stream: the events a live stream of that
 * message carries. A stream asked for as JSON: the message the SDK's own accumulation builds.
 */
export async function replayBody(
  stored: StoredResponse,
  want: BodyFormat,
): Promise<{ text: string; sourceId: string }> {
  const { body, sourceId } = withFreshId(stored);
  if (stored.format === want) return { text: body, sourceId };
  if (want === "sse") {
    const message = JSON.parse(body) as Anthropic.Message;
    return { text: encodeEvents(replayEvents(message)), sourceId };
  }
  return { text: JSON.stringify(await accumulate(sseDataLines(body))), sourceId };
}

/** Encodes events as the API frames them: `event: <type>` and one `data:` line of JSON. */
export function encodeEvents(events: Iterable<{ type: string }>): string {
  let out = "";
  for (const event of events) out += `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
  return out;
}

/** The data of every frame except pings and unnamed ones: one JSON event per item. */
function sseDataLines(body: string): string[] {
  const splitter = new SseFrameSplitter();
  const lines: string[] = [];
  for (const frame of splitter.push(body)) {
    const name = frameEventName(frame);
    if (name === null || name === "ping") continue;
    lines.push(frameData(frame));
  }
  return lines;
}

/** Builds the final Message from events with @anthropic-ai/sdk's MessageStream accumulation. */
export async function accumulate(eventJsonLines: string[]): Promise<Anthropic.Message> {
  const encoded = new TextEncoder().encode(eventJsonLines.join("\n") + "\n");
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoded);
      controller.close();
    },
  });
  const message = await MessageStream.fromReadableStream(readable).finalMessage();
  // A plain Message: the SDK adds lazy tool-input getters and a `parsed_output` (for its
  // structured-output helper) that the API's own answer does not carry.
  const { parsed_output: _parsed, ...plain } = message;
  return JSON.parse(JSON.stringify(plain)) as Anthropic.Message;
}
