/**
 * answerEvents reads stored and live SSE frames by the SDK's rules without the SDK's reader:
 * frames split anywhere (even inside a CRLF), pings and nameless frames skipped, an `error`
 * event thrown as the SDK's error would be mapped, a stream without message_stop refused.
 */
import { describe, expect, it } from "vitest";
import { answerEvents } from "@/lib/cache/answer-events";
import type { CachedAnswer } from "@/lib/cache/upstream-response";
import { AppError } from "@/lib/errors";

const frame = (event: string, data: object, eol = "\n") =>
  `event: ${event}${eol}data: ${JSON.stringify(data)}${eol}${eol}`;
const START = frame("message_start", { type: "message_start", message: { id: "msg_1" } });
const DELTA = frame("content_block_delta", {
  type: "content_block_delta",
  index: 0,
  delta: { type: "text_delta", text: "hi" },
});
const STOP = frame("message_stop", { type: "message_stop" });

function answer(text: string, chunk = text.length): CachedAnswer {
  return {
    status: "miss",
    httpStatus: 200,
    headers: new Headers({ "request-id": "req_up" }),
    format: "sse",
    body: (async function* () {
      for (let i = 0; i < text.length; i += chunk) yield text.slice(i, i + chunk);
    })(),
  };
}

async function read(a: CachedAnswer): Promise<string[]> {
  const types: string[] = [];
  for await (const event of answerEvents(a)) types.push(event.type);
  return types;
}

describe("answerEvents on SSE frames", () => {
  it.each([1, 3, 7, 1000])("reads frames cut into %i-character chunks, CRLF or LF", async (n) => {
    const ping = frame("ping", { type: "ping" });
    const text =
      START + ping + `: a comment\n\n` + `data: {"nameless":true}\r\n\r\n` + DELTA + STOP;
    expect(await read(answer(text, n))).toEqual([
      "message_start",
      "content_block_delta",
      "message_stop",
    ]);
    const crlf = frame("message_start", { type: "message_start" }, "\r\n") + STOP;
    expect(await read(answer(crlf, n))).toEqual(["message_start", "message_stop"]);
  });

  it("throws an error event before any event as the upstream's error, after one as a broken stream", async () => {
    const overloaded = frame("error", {
      type: "error",
      error: { type: "overloaded_error", message: "Overloaded" },
    });
    const first = await read(answer(overloaded)).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(AppError);
    expect((first as AppError).code).toBe("upstream_overloaded");
    const later = await read(answer(START + overloaded)).catch((e: unknown) => e);
    expect((later as AppError).code).toBe("stream_interrupted");
    expect((later as AppError).details).toMatchObject({ upstreamType: "overloaded_error" });
  });

  it("refuses a stream that ends before message_stop, dropping a frame without its blank line", async () => {
    const cut = await read(answer(START + DELTA + STOP.slice(0, -1))).catch((e: unknown) => e);
    expect((cut as AppError).code).toBe("stream_interrupted");
    expect((cut as AppError).details).toMatchObject({ reason: "truncated", midStream: true });
  });
});
