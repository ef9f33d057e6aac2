import "server-only";

/**
 * What a gateway handler reads of a request: a fetch Request fits, and so does the Node front's
 * lighter object over an IncomingMessage (its body the message itself, read only once admitted).
 */
export interface GatewayRequest {
  method: string;
  /** Absolute URL, with the query string. */
  url: string;
  headers: Headers;
  signal: AbortSignal;
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;
}

/**
 * A gateway answer before it is encoded: Next's route handlers turn it into a Response, the Node
 * front writes it to the socket as it is — a whole text in one write with its length, a stream
 * piece by piece — without a web stream in between (see server/gateway-node-handler.ts).
 */
export interface GatewayReply {
  status: number;
  headers: Headers;
  /**
   * A whole body (a JSON answer, a hit), pieces to send as they come (SSE frames; leaving early
   * detaches this caller via the iterator's `return`), a web stream (a proxied answer), or none.
   */
  body: string | AsyncIterable<string> | ReadableStream<Uint8Array> | null;
}

/** The reply as a fetch Response (Next's route handlers). */
export function toResponse(reply: GatewayReply): Response {
  const { body, status, headers } = reply;
  if (body === null || typeof body === "string" || body instanceof ReadableStream) {
    return new Response(body, { status, headers });
  }
  const encoder = new TextEncoder();
  const pieces = body[Symbol.asyncIterator]();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await pieces.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await pieces.return?.();
    },
  });
  return new Response(stream, { status, headers });
}

/** A Response as a reply (errors and proxied answers, which are built as Responses). */
export function replyOf(response: Response): GatewayReply {
  return { status: response.status, headers: response.headers, body: response.body };
}
