import type { CacheStatus, UpstreamResponse } from "@/lib/llm/types";

export type { UpstreamResponse };
import { SseFrameSplitter } from "./sse-frames";
import type { BodyFormat, StoredResponse } from "./stored-response";

/** Makes the upstream call; the signal aborts only when every coalesced caller has gone. */
export type Upstream = (signal: AbortSignal) => Promise<UpstreamResponse>;

/** What the cache answers a call with: the upstream's answer, live or replayed. */
export interface CachedAnswer {
  /** How it was served. */
  status: CacheStatus;
  /** The upstream's HTTP status (200 for every hit). */
  httpStatus: number;
  /** The upstream's headers for miss, bypass and coalesced answers; null for a hit. */
  headers: Headers | null;
  /** How `body` is encoded: SSE frames or JSON text. */
  format: BodyFormat;
  /** The message id of the stored answer, when this one carries a fresh id instead. */
  sourceId?: string;
  /** The stored answer's token counts, once known (at once for a hit, after the body otherwise). */
  usage?: () => { inputTokens: number; outputTokens: number } | undefined;
  /** The body: SSE frames one by one, or JSON text; leaving early detaches this caller. */
  body: AsyncIterable<string>;
}

/** Whether an upstream answer is an event stream (by content type). */
export function isEventStream(headers: Headers): boolean {
  return (headers.get("content-type") ?? "").includes("text/event-stream");
}

/**
 * The body as text: whole SSE frames as they complete (a truncated tail last), or the whole JSON
 * text at once. Bytes are decoded as UTF-8 only at frame boundaries, so the text is the bytes.
 */
export async function* bodyTexts(response: UpstreamResponse): AsyncGenerator<string, void> {
  if (response.body === null) return;
  if (isEventStream(response.headers)) {
    const splitter = new SseFrameSplitter();
    for await (const chunk of response.body) yield* splitter.push(chunk);
    const rest = splitter.flush();
    if (rest !== "") yield rest;
    return;
  }
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of response.body) text += decoder.decode(chunk, { stream: true });
  text += decoder.decode();
  yield text;
}

/** The content type a format is served with. */
export function contentTypeOf(format: BodyFormat): string {
  return format === "sse" ? "text/event-stream; charset=utf-8" : "application/json";
}

/**
 * An event stream as the upstream would have framed it, for fakes and adapters: the first event
 * is awaited so that a failure before it rejects (like an HTTP error would), later ones break the
 * body.
 */
export async function responseFromEvents(
  events: AsyncIterable<{ type: string }>,
): Promise<UpstreamResponse> {
  const iterator = events[Symbol.asyncIterator]();
  const first = await iterator.next();
  const encoder = new TextEncoder();
  const frame = (event: { type: string }) =>
    encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  async function* body(): AsyncGenerator<Uint8Array, void> {
    try {
      if (first.done) return;
      yield frame(first.value);
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        yield frame(next.value);
      }
    } finally {
      await iterator.return?.();
    }
  }
  return {
    status: 200,
    headers: new Headers({ "content-type": "text/event-stream" }),
    body: body(),
  };
}

/** A live answer (bypass): the upstream's status, headers and body. */
export function live(
  status: CacheStatus,
  response: UpstreamResponse,
  format: BodyFormat,
  body: AsyncIterable<string>,
): CachedAnswer {
  return { status, httpStatus: response.status, headers: response.headers, format, body };
}

/** Only a complete, successful answer in the format asked for is ever stored. */
export function storable(response: UpstreamResponse, format: BodyFormat): boolean {
  return response.status === 200 && isEventStream(response.headers) === (format === "sse");
}

/** A one-piece body (a hit). */
export async function* once(text: string): AsyncGenerator<string, void> {
  yield text;
}

/** A stored answer's token counts. */
export function tokensOf({ stored }: { stored: StoredResponse }): {
  inputTokens: number;
  outputTokens: number;
} {
  return { inputTokens: stored.inputTokens, outputTokens: stored.outputTokens };
}
