import "server-only";

import Anthropic from "@anthropic-ai/sdk";
import { AppError } from "@/lib/errors";
import { mapUpstreamError } from "./map-error";
import { type RawTransport, fetchTransport, undiciTransport } from "./raw-transport";
import type {
  CallOptions,
  ModelRequest,
  ModelResponse,
  ModelStreamEvent,
  Provider,
  RawRequest,
  UpstreamResponse,
} from "./types";
import type { UpstreamKeys } from "./upstream-keys";

/** The API version sent when the caller names none (the runs path). */
const DEFAULT_VERSION = "2023-06-01";
/** Client headers that never travel upstream: hop-by-hop, our own, and what fetch sets itself. */
const NOT_FORWARDED = new Set([
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "accept-encoding",
  "upgrade",
  "te",
  "trailer",
  "proxy-authorization",
  "cookie",
]);
const CREDENTIALS = new Set(["x-api-key", "authorization"]);

/** The SDK's log levels; "off" silences it (tests that provoke broken streams use it). */
export type AnthropicLogLevel = "off" | "error" | "warn" | "info" | "debug";

export interface AnthropicProviderOptions {
  /** The upstream API key, sent as `Authorization: Bearer …`. Never logged or put in errors. */
  apiKey: string;
  /** e.g. `https://api.anthropic.com` or the simulator's `url`. Passed explicitly so the SDK never falls back to ANTHROPIC_BASE_URL. */
  baseURL: string;
  /** Reported as `Provider.kind`; behaviour is identical, the simulator speaks the same protocol. */
  kind: "anthropic" | "simulator";
  /**
   * Several server keys (ANTHROPIC_API_KEY as a list): raw calls (`send`) spread over them and
   * a call refused with 401 is sent again on another key. `apiKey` still serves the SDK calls.
   */
  keys?: UpstreamKeys;
  /** Extra headers on every request (e.g. `anthropic-beta`). */
  defaultHeaders?: Record<string, string>;
  /**
   * A fetch implementation, e.g. to script failures in tests.
   * @default the SDK's calls use the global fetch; raw calls (`send`) use undici's `request`
   */
  fetch?: typeof fetch;
  /** @default "warn" */
  logLevel?: AnthropicLogLevel;
  /** Where the SDK's own warnings go (the app's redacting logger). @default console */
  logger?: Record<"debug" | "info" | "warn" | "error", (...args: unknown[]) => void>;
}

/** A Provider over @anthropic-ai/sdk, plus the non-streaming call the gateway's JSON path needs. */
export interface AnthropicProvider extends Provider {
  /** One non-streamed call; errors mapped like `stream`'s. */
  complete(request: ModelRequest, options?: CallOptions): Promise<ModelResponse>;
}

/**
 * The SDK arms a `setTimeout(ms)` around each fetch; anything above 2^31-1 fires at once, so this
 * is the largest "never" it understands (~24.8 days). Timeouts belong to the caller's signal.
 */
const NO_TIMEOUT_MS = 2 ** 31 - 1;

export function createAnthropicProvider(options: AnthropicProviderOptions): AnthropicProvider {
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    // The orchestrator owns retries (with a bound on retry-after); the SDK's would double them.
    maxRetries: 0,
    timeout: NO_TIMEOUT_MS,
    defaultHeaders: options.defaultHeaders,
    fetch: options.fetch,
    logLevel: options.logLevel ?? "warn",
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const redact = [options.apiKey, ...(options.keys?.all ?? [])];

  async function* stream(
    request: ModelRequest,
    callOptions: CallOptions = {},
  ): AsyncGenerator<ModelStreamEvent, void, undefined> {
    const { signal } = callOptions;
    if (signal?.aborted) throw mapUpstreamError(signal.reason, { signal, redact });

    let iterator: AsyncIterator<ModelStreamEvent>;
    try {
      const sdkStream = await client.messages.create({ ...request, stream: true }, { signal });
      iterator = sdkStream[Symbol.asyncIterator]();
    } catch (error) {
      throw mapUpstreamError(error, { signal, redact });
    }

    let yielded = 0;
    let finished = false;
    let sawMessageStop = false;
    try {
      for (;;) {
        let result: IteratorResult<ModelStreamEvent>;
        try {
          result = await iterator.next();
        } catch (error) {
          finished = true;
          throw mapUpstreamError(error, { signal, midStream: yielded > 0, redact });
        }
        if (result.done) break;
        if (result.value.type === "message_stop") sawMessageStop = true;
        yielded++;
        yield result.value;
      }
      finished = true;
    } finally {
      // The consumer stopped early (break / return): the SDK's iterator aborts the HTTP request.
      if (!finished) await iterator.return?.();
    }

    // The SDK ends a stream *silently* when its request is aborted, so look at the signal here.
    if (signal?.aborted) {
      throw mapUpstreamError(signal.reason, { signal, midStream: yielded > 0, redact });
    }
    if (!sawMessageStop) {
      throw new AppError("stream_interrupted", "The model stream ended before message_stop", {
        details: { midStream: yielded > 0, reason: "truncated" },
      });
    }
  }

  async function complete(
    request: ModelRequest,
    callOptions: CallOptions = {},
  ): Promise<ModelResponse> {
    const { signal } = callOptions;
    try {
      return await client.messages.create({ ...request, stream: false }, { signal });
    } catch (error) {
      throw mapUpstreamError(error, { signal, redact });
    }
  }

  const send = createSend(options, redact);

  return { kind: options.kind, stream, complete, send };
}

/**
 * The raw call: the body as given, the caller's protocol headers, the server's key unless the
 * headers already carry the credential to use (the gateway sets it), the answer unread.
 */
function createSend(
  options: AnthropicProviderOptions,
  redact: readonly string[],
): (raw: RawRequest, callOptions?: CallOptions) => Promise<UpstreamResponse> {
  const transport = options.fetch ? fetchTransport(options.fetch) : undiciTransport();
  const base = options.baseURL.replace(/\/+$/, "");
  return async function send(
    raw: RawRequest,
    callOptions: CallOptions = {},
  ): Promise<UpstreamResponse> {
    const headers = new Headers();
    for (const [name, value] of raw.headers ?? []) {
      if (NOT_FORWARDED.has(name) || name.startsWith("x-ensemble-")) continue;
      if (CREDENTIALS.has(name) && !raw.ownCredentials) continue;
      headers.set(name, value);
    }
    if (!headers.has("anthropic-version")) headers.set("anthropic-version", DEFAULT_VERSION);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    for (const [name, value] of Object.entries(options.defaultHeaders ?? {})) {
      if (!headers.has(name)) headers.set(name, value);
    }
    const call = (): Promise<UpstreamResponse> =>
      transport(base + raw.path, { headers, body: raw.body, signal: callOptions.signal });
    try {
      if (raw.ownCredentials) return await call();
      if (!options.keys) {
        headers.set("x-api-key", options.apiKey);
        return await call();
      }
      return await sendOnKeys(options.keys, headers, call);
    } catch (error) {
      throw mapUpstreamError(error, { signal: callOptions.signal, redact });
    }
  };
}

/**
 * One call on the server's keys: the pick, what the answer said of the key, and — when the
 * upstream refuses the key (401) and another is left — the same call again on another key, so
 * the caller that found a revoked key is not the one who pays for it.
 */
async function sendOnKeys(
  keys: UpstreamKeys,
  headers: Headers,
  call: () => ReturnType<RawTransport>,
): Promise<UpstreamResponse> {
  for (;;) {
    const key = keys.pick();
    headers.set("x-api-key", key);
    let response: UpstreamResponse;
    try {
      response = await call();
    } catch (error) {
      keys.done(key, null);
      throw error;
    }
    keys.done(key, response.status, response.headers);
    if (response.status !== 401 || !keys.hasOtherThan(key)) return response;
    // The refusal's body is a small JSON error: read it so the connection goes back to the pool.
    if (response.body) for await (const _ of response.body);
  }
}
