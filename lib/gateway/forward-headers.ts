import "server-only";
import type { HeaderReader, UpstreamAuth } from "./gateway-auth";

/**
 * Client request headers that reach the upstream unchanged. Every `anthropic-*` header goes too
 * (`anthropic-version`, `anthropic-beta`, and whatever the API adds next); credentials are
 * replaced (see upstreamRequestHeaders) and nothing else is forwarded: no cookies, no
 * `x-ensemble-*`, no hop-by-hop headers.
 */
const REQUEST_HEADERS = ["content-type", "accept", "idempotency-key"] as const;

/**
 * Upstream response headers that reach the client unchanged (never rounded or re-derived): what
 * SDKs read for retries and rate limits, plus what Files downloads need. Every
 * `anthropic-ratelimit-*` header goes too.
 */
const RESPONSE_HEADERS = [
  "request-id",
  "retry-after",
  "retry-after-ms",
  "x-should-retry",
  "content-type",
  "content-disposition",
  "anthropic-organization-id",
] as const;

/** Iterable headers: fetch Headers, or a wrapper over Node's IncomingHttpHeaders. */
export interface HeaderSource extends HeaderReader {
  forEach(callback: (value: string, name: string) => void): void;
}

/**
 * The headers of the upstream request: the client's `anthropic-*`, `content-type`, `accept` and
 * `idempotency-key` as sent, then the credential — the server's key as `x-api-key`, or the
 * client's own credential under the header it came in (x-ensemble-key mode).
 */
export function upstreamRequestHeaders(
  client: HeaderSource,
  auth: UpstreamAuth,
  /** null: the server's key is set later, by the provider's send (it picks among several). */
  serverApiKey: string | null,
): Headers {
  const headers = new Headers();
  client.forEach((value, name) => {
    if (name.startsWith("anthropic-")) headers.set(name, value);
  });
  for (const name of REQUEST_HEADERS) {
    const value = client.get(name);
    if (value !== null) headers.set(name, value);
  }
  if (auth.kind === "client") headers.set(auth.header, auth.value);
  else if (serverApiKey !== null) headers.set("x-api-key", serverApiKey);
  return headers;
}

/**
 * Copies the upstream response headers a client must see onto `into` (created when absent):
 * `request-id`, `anthropic-ratelimit-*`, `retry-after`, `retry-after-ms`, `x-should-retry`,
 * `content-type`, `content-disposition`, `anthropic-organization-id` — byte for byte.
 */
export function clientResponseHeaders(upstream: HeaderSource, into = new Headers()): Headers {
  upstream.forEach((value, name) => {
    if (name.startsWith("anthropic-ratelimit-")) into.set(name, value);
  });
  for (const name of RESPONSE_HEADERS) {
    const value = upstream.get(name);
    if (value !== null) into.set(name, value);
  }
  return into;
}

/**
 * The upstream URL for an API path: the base (which may carry its own path prefix, e.g. a
 * corporate proxy) + the path after `/api/anthropic` + the client's query string, untouched
 * (Claude Code sends `?beta=true`).
 */
export function upstreamUrl(baseURL: string, path: string, search: string): string {
  return `${baseURL.replace(/\/+$/, "")}${path}${search}`;
}
