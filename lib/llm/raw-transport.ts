import "server-only";
import { Agent, request } from "undici";
import type { UpstreamResponse } from "./types";

/** One POST to the upstream, the answer unread: what Provider.send needs of HTTP. */
export type RawTransport = (
  url: string,
  init: { headers: Headers; body: string | Uint8Array; signal?: AbortSignal },
) => Promise<UpstreamResponse>;

/** Through a fetch implementation (tests script failures with one). */
export function fetchTransport(fetchImpl: typeof fetch): RawTransport {
  return async (url, { headers, body, signal }) => {
    const response = await fetchImpl(url, {
      method: "POST",
      headers,
      body: body as BodyInit,
      signal,
    });
    // Node's web streams are async-iterable; the DOM typings do not say so.
    const stream = response.body as unknown as AsyncIterable<Uint8Array> | null;
    return { status: response.status, headers: response.headers, body: stream };
  };
}

/**
 * Through undici's `request` on a keep-alive Agent: measured on the gateway's miss path, fetch's
 * Request/Response objects and web streams cost more CPU than the rest of a proxied call, and it
 * sent a body in more writes than the one `request` needs. The body comes back as a Node stream
 * of Buffers, as received (nothing asks for a compressed answer, so nothing is decompressed).
 */
export function undiciTransport(): RawTransport {
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
  return async (url, { headers, body, signal }) => {
    const response = await request(url, {
      method: "POST",
      headers: Object.fromEntries(headers),
      body,
      signal,
      dispatcher,
    });
    const received = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (Array.isArray(value)) for (const one of value) received.append(name, one);
      else if (value !== undefined) received.set(name, value);
    }
    return { status: response.statusCode, headers: received, body: response.body };
  };
}
