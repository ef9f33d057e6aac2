import "server-only";
import type Anthropic from "@anthropic-ai/sdk";
import { APIError } from "@anthropic-ai/sdk";
import { AppError } from "@/lib/errors";
import { mapUpstreamError } from "@/lib/llm/map-error";
import type { ModelStreamEvent } from "@/lib/llm/types";
import { replayEvents } from "./cached-response";
import { frameData, frameEventName, SseFrameSplitter } from "./sse-frames";
import type { CachedAnswer } from "./upstream-response";

/**
 * An answer as the events the orchestrator consumes: SSE frames read by the SDK's rules (pings
 * skipped, an `error` event thrown), a JSON answer as the events of its message,
 * an HTTP error as the AppError the SDK's error would map to.
 */
export async function* answerEvents(
  answer: CachedAnswer,
  signal?: AbortSignal,
): AsyncGenerator<ModelStreamEvent, void, undefined> {
  if (answer.httpStatus !== 200 || answer.format === "json") {
    const text = await readAll(answer.body);
    if (answer.httpStatus !== 200) {
      const error = APIError.generate(
        answer.httpStatus,
        safeJson(text),
        undefined,
        answer.headers ?? new Headers(),
      );
      throw mapUpstreamError(error, { signal });
    }
    yield* replayEvents(JSON.parse(text) as Anthropic.Message);
    return;
  }
  yield* sseEvents(answer, signal);
}

/**
 * SSE frames as the SDK's stream reader reads them (its rules, one per line below), without the
 * web Response, ReadableStream and line decoder the SDK needs around them: a cache hit replays
 * stored frames for runs, and that wrapping was a fifth of a hit's cost.
 */
async function* sseEvents(
  answer: CachedAnswer,
  signal?: AbortSignal,
): AsyncGenerator<ModelStreamEvent, void, undefined> {
  const splitter = new SseFrameSplitter();
  let yielded = 0;
  let stopped = false;
  try {
    for await (const chunk of answer.body) {
      for (const frame of splitter.push(chunk)) {
        if (signal?.aborted) throw new AppError("cancelled", "The model call was cancelled");
        const event = frameEvent(frame, answer.headers);
        if (event === undefined) continue;
        if (event.type === "message_stop") stopped = true;
        yielded += 1;
        yield event;
      }
    }
  } catch (error) {
    throw mapUpstreamError(error, { signal, midStream: yielded > 0 });
  }
  // A last frame without its blank line is dropped, as the SDK drops it.
  if (signal?.aborted) throw mapUpstreamError(signal.reason, { signal, midStream: yielded > 0 });
  if (!stopped) {
    throw new AppError("stream_interrupted", "The model stream ended before message_stop", {
      details: { midStream: yielded > 0, reason: "truncated" },
    });
  }
}

/** One frame's event, or undefined for a frame the SDK skips. */
function frameEvent(
  frame: string,
  headers: Headers | null | undefined,
): ModelStreamEvent | undefined {
  const name = frameEventName(frame);
  if (name === null || name === "ping") return undefined; // comments, keep-alives, pings
  const data = frameData(frame);
  if (name === "error") {
    const body = (safeJson(data) ?? data) as { error?: { type?: string } } | string;
    const type = typeof body === "object" ? body.error?.type : undefined;
    throw new APIError(undefined, body, undefined, headers ?? new Headers(), type as never);
  }
  if (!data) return undefined; // an event with no data
  return JSON.parse(data) as ModelStreamEvent;
}

async function readAll(body: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const part of body) text += part;
  return text;
}

function safeJson(text: string): object | undefined {
  try {
    return JSON.parse(text) as object;
  } catch {
    return undefined;
  }
}
