import "server-only";

const encoder = new TextEncoder();

/** One SSE message; `id` lets EventSource resume with Last-Event-ID. */
export function encodeSse(event: { type: string; seq?: number }, name = event.type): Uint8Array {
  const id = event.seq === undefined ? "" : `id: ${event.seq}\n`;
  return encoder.encode(`${id}event: ${name}\ndata: ${JSON.stringify(event)}\n\n`);
}

/**
 * Streams domain events as Server-Sent Events. The domain yields; only this edge knows bytes.
 * A comment line every `keepAliveMs` keeps proxies from closing an idle stream; a client that
 * goes away ends the iteration (and whatever it holds) through `return()`.
 */
export function sseResponse(
  events: AsyncIterable<{ type: string; seq?: number }>,
  options: { keepAliveMs?: number; headers?: HeadersInit } = {},
): Response {
  const iterator = events[Symbol.asyncIterator]();
  let keepAlive: NodeJS.Timeout | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(": connected\n\n"));
      keepAlive = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(": keepalive\n\n"));
        } catch {
          clearInterval(keepAlive);
        }
      }, options.keepAliveMs ?? 15_000);
    },
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) {
          clearInterval(keepAlive);
          controller.close();
        } else {
          controller.enqueue(encodeSse(next.value));
        }
      } catch (error) {
        clearInterval(keepAlive);
        const message = error instanceof Error && "code" in error ? error.message : "stream failed";
        controller.enqueue(encodeSse({ type: "error", message } as { type: string }));
        controller.close();
      }
    },
    async cancel() {
      clearInterval(keepAlive);
      await iterator.return?.();
    },
  });
  const headers = new Headers(options.headers);
  headers.set("content-type", "text/event-stream; charset=utf-8");
  headers.set("cache-control", "no-cache, no-transform");
  headers.set("connection", "keep-alive");
  headers.set("x-accel-buffering", "no");
  return new Response(stream, { headers });
}
