import "server-only";
import {
  cacheKey,
  cacheKeyMaterial,
  type CachedAnswer,
  contentTypeOf,
  type ResponseCache,
  shouldCache,
} from "@/lib/cache";
import { AppError } from "@/lib/errors";
import { addLogContext } from "@/lib/log-context";
import { SAMPLING_PARAMS, takesSamplingParams } from "@/lib/llm/sampling-params";
import type { CacheControl } from "@/lib/llm/types";
import { toAnthropicError } from "./anthropic-errors";
import { type CallSpend, callSpend, UsageTap } from "./call-spend";
import { clientResponseHeaders } from "./forward-headers";
import type { GatewayReply } from "./gateway-reply";
import type { GatewayUpstream } from "./gateway-upstream";

/** What the request log learns about one gateway call once it is answered. */
export interface CallOutcome extends CallSpend {
  status: number;
  /** The model that answered, when a fallback did (the log's model column). */
  model?: string;
  cacheStatus?: string;
  errorType?: string;
}

export interface GatewayCall {
  cache: ResponseCache;
  upstream: GatewayUpstream;
  teamId: string;
  /** `/v1/messages` or `/v1/messages/count_tokens`. */
  endpoint: "messages" | "count_tokens";
  /** The path forwarded upstream, with the client's query string. */
  path: string;
  /** The client's headers: `anthropic-beta` is part of the cache key. */
  requestHeaders: Headers;
  /** What goes upstream: the client's protocol headers and the credential to use. */
  upstreamHeaders: Headers;
  /** The body exactly as received, forwarded as is. */
  bodyBytes: Uint8Array;
  /** The same body parsed: it only feeds the cache key and policy. */
  body: Record<string, unknown>;
  /** From `x-ensemble-cache` / `x-ensemble-cache-ttl`; mode undefined means the default policy. */
  cacheControl: CacheControl;
  /** The upstream is called with the client's own credential (x-ensemble-key mode). */
  clientCredentials: boolean;
  signal: AbortSignal;
  /** Headers every response carries (rate-limit counts). */
  headers: Headers;
  /** This exchange's id: the `request-id` of answers the gateway gives itself (hits, errors). */
  requestId: string;
  /**
   * The key's fallback models, tried in order when this call's model is overloaded (529) or over
   * its outbound limit; [] = none.
   */
  fallbackModels: readonly string[];
  /** Called once, when the answer has been sent or failed after its status went out. */
  onDone: (outcome: CallOutcome) => void;
}

/**
 * One Messages (or count_tokens) call through the gateway: the request goes upstream as sent,
 * the upstream's answer comes back as sent, and the cache keeps what it sent beside it. A hit
 * or a shared answer is the miss's bytes with a fresh message id.
 */
export async function handleMessages(call: GatewayCall): Promise<GatewayReply> {
  const { body, endpoint } = call;
  const format = endpoint === "messages" && body.stream === true ? "sse" : "json";
  // Token counts are deterministic: cached unless the caller says bypass.
  const cached =
    endpoint === "count_tokens"
      ? call.cacheControl.mode !== "bypass"
      : shouldCache(body, call.cacheControl);
  let answer: CachedAnswer;
  try {
    answer = await fetchAnswer(call, format, cached);
  } catch (error) {
    const next = nextFallback(call, error);
    if (next) return handleMessages(next);
    throw error;
  }
  const next = answer.httpStatus === 529 ? nextFallback(call) : undefined;
  if (next) {
    void answer.body[Symbol.asyncIterator]().return?.();
    return handleMessages(next);
  }
  if (!call.clientCredentials && (answer.httpStatus === 401 || answer.httpStatus === 403)) {
    // The server's own key was refused: the gateway's fault, reported as such (toAnthropicError).
    void answer.body[Symbol.asyncIterator]().return?.();
    throw new AppError("upstream_auth", "the upstream refused the gateway's credentials", {
      details: { upstreamStatus: answer.httpStatus },
    });
  }
  return replyWith(answer, call);
}

/**
 * The same call on the key's next fallback model, when there is one and the model failed in a
 * way another model may not (overloaded: a 529 answer, `error` undefined; or over its outbound
 * limit). The body is re-serialised with the new model; the answer's own `model` says which
 * answered, as does `x-ensemble-model` and the log.
 */
function nextFallback(call: GatewayCall, error?: unknown): GatewayCall | undefined {
  const [model, ...rest] = call.fallbackModels;
  if (model === undefined || call.endpoint !== "messages") return undefined;
  const outbound =
    error instanceof AppError &&
    error.code === "upstream_rate_limited" &&
    (error.details as { outbound?: boolean } | undefined)?.outbound === true;
  if (error !== undefined && !outbound) return undefined;
  const body: Record<string, unknown> = { ...call.body, model };
  // Opus 4.7 and later refuse sampling parameters: a fallback to one goes without them, and
  // keeps the caller's cache opt-in (temperature 0 asked for a cached answer).
  let { cacheControl } = call;
  if (!takesSamplingParams(model) && SAMPLING_PARAMS.some((name) => name in body)) {
    if (cacheControl.mode === undefined && shouldCache(call.body, cacheControl)) {
      cacheControl = { ...cacheControl, mode: "default" };
    }
    for (const name of SAMPLING_PARAMS) delete body[name];
  }
  const headers = new Headers(call.headers);
  headers.set("x-ensemble-model", model);
  return {
    ...call,
    body,
    bodyBytes: new TextEncoder().encode(JSON.stringify(body)),
    cacheControl,
    fallbackModels: rest,
    headers,
    // The innermost fallback names the model: an outer one must not overwrite it.
    onDone: (outcome) => call.onDone({ model, ...outcome }),
  };
}

function fetchAnswer(
  call: GatewayCall,
  format: "sse" | "json",
  cached: boolean,
): Promise<CachedAnswer> {
  const { body, endpoint } = call;
  return call.cache.fetch(
    {
      key: cacheKey(body, {
        tenant: call.teamId,
        beta: call.requestHeaders.get("anthropic-beta"),
        endpoint,
      }),
      tenant: call.teamId,
      model: typeof body.model === "string" ? body.model : "",
      agentId: null,
      format,
      mode: cached ? (call.cacheControl.mode ?? "default") : "bypass",
      ttlSeconds: call.cacheControl.ttlSeconds,
      material: () => cacheKeyMaterial(body),
      signal: call.signal,
    },
    (signal) =>
      call.upstream(
        {
          path: call.path,
          body: call.bodyBytes,
          headers: call.upstreamHeaders,
          ownCredentials: call.clientCredentials,
          // A Messages call counts against its model's outbound limits; counting tokens does not.
          ...(endpoint === "messages" && typeof body.model === "string"
            ? { outbound: { model: body.model, teamId: call.teamId } }
            : {}),
        },
        signal,
      ),
  );
}

/** The reply to the client: the answer's status, the headers that matter, its body. */
async function replyWith(answer: CachedAnswer, call: GatewayCall): Promise<GatewayReply> {
  const headers = new Headers(call.headers);
  if (answer.headers === null) {
    headers.set("content-type", contentTypeOf(answer.format));
    headers.set("request-id", call.requestId);
  } else {
    clientResponseHeaders(answer.headers, headers);
    const upstreamRequestId = answer.headers.get("request-id");
    if (upstreamRequestId) addLogContext({ upstreamRequestId });
  }
  headers.set("x-ensemble-cache", answer.status);
  if (answer.sourceId) headers.set("x-ensemble-source-id", answer.sourceId);
  if (answer.format === "sse" && answer.httpStatus === 200) {
    headers.set("cache-control", "no-cache");
    headers.set("x-accel-buffering", "no");
  }
  if (answer.format === "json") return await jsonReply(answer, call, headers);
  return { status: answer.httpStatus, headers, body: streamBody(answer, call) };
}

/** A JSON answer is read whole before the status goes out, so a failure is a proper error. */
async function jsonReply(
  answer: CachedAnswer,
  call: GatewayCall,
  headers: Headers,
): Promise<GatewayReply> {
  // A failure here is answered (and logged) by the caller, as an error in the API's envelope.
  let text = "";
  for await (const piece of answer.body) text += piece;
  const tap = new UsageTap();
  if (call.endpoint === "messages") tap.json(text);
  call.onDone({
    status: answer.httpStatus,
    cacheStatus: answer.status,
    ...spendOf(tap, answer, call),
  });
  return { status: answer.httpStatus, headers, body: text };
}

/**
 * The answer's text, one piece at a time, as its reader pulls it. A failure after the status
 * went out is reported in-stream, as the API does; a reader that leaves early (the client went
 * away) detaches this caller from the answer.
 */
async function* streamBody(answer: CachedAnswer, call: GatewayCall): AsyncGenerator<string, void> {
  const pieces = answer.body[Symbol.asyncIterator]();
  const tap = new UsageTap();
  let outcome: Pick<CallOutcome, "status" | "errorType"> = {
    status: 499,
    errorType: "client_closed",
  };
  try {
    for (let next = await pieces.next(); !next.done; next = await pieces.next()) {
      if (answer.format === "sse") tap.frames(next.value);
      yield next.value;
    }
    outcome = { status: answer.httpStatus };
  } catch (error) {
    // The client left (its request's signal aborted): nobody to tell, logged as closed.
    if (call.signal.aborted) return;
    const mapped = toAnthropicError(error, call.requestId);
    outcome = { status: mapped.status, errorType: mapped.body.error.type };
    if (answer.format === "sse") yield `event: error\ndata: ${JSON.stringify(mapped.body)}\n\n`;
  } finally {
    call.onDone({ ...outcome, cacheStatus: answer.status, ...spendOf(tap, answer, call) });
    await pieces.return?.();
  }
}

/** Usage and cost of the answer, for the log: hits and shared answers cost nothing. */
function spendOf(tap: UsageTap, answer: CachedAnswer, call: GatewayCall): CallSpend {
  const status = answer.status;
  return callSpend(tap, {
    model: typeof call.body.model === "string" ? call.body.model : "",
    endpoint: call.endpoint,
    servedFromCache: status === "hit-memory" || status === "hit-db" || status === "coalesced",
    fallback: answer.usage?.(),
  });
}
