import type Anthropic from "@anthropic-ai/sdk";

/**
 * A model call in Anthropic Messages form, minus transport concerns (stream flag, metadata).
 * The cache key is derived from exactly these fields (plus the tenant), so anything that changes
 * the answer must live here.
 * (SDK 1.14's namespace does not export MessageCreateParamsBase; the non-streaming params are that
 * base plus `stream?: false`, which the Omit removes, so this is the same shape.)
 */
export type ModelRequest = Omit<
  Anthropic.MessageCreateParamsNonStreaming,
  "stream" | "metadata"
> & {
  /**
   * Sampling parameters. SDK 1.14's types no longer declare them (the API deprecated them for its
   * newest models), but the wire format still carries them, agents are defined with a
   * temperature, and the cache key must include them.
   */
  temperature?: number;
  top_p?: number;
  top_k?: number;
};

/** The Anthropic streaming event vocabulary: message_start, content_block_*, message_delta, message_stop, ping. */
export type ModelStreamEvent = Anthropic.RawMessageStreamEvent;

/** A complete, non-streamed response. */
export type ModelResponse = Anthropic.Message;

export interface CallOptions {
  /** Aborts the upstream call at once (run cancel, attempt timeout, run deadline). */
  signal?: AbortSignal;
}

/**
 * One streaming model call. Implementations throw AppError with an upstream_* code (see
 * lib/errors.ts) and never retry: retries belong to the orchestrator.
 */
export interface Provider {
  /** "anthropic" for the real API, "simulator" for our loopback Anthropic-protocol server. */
  readonly kind: "anthropic" | "simulator";
  stream(request: ModelRequest, options?: CallOptions): AsyncIterable<ModelStreamEvent>;
  /**
   * Sends a request as given and returns the upstream's answer unread, whatever its status: the
   * gateway forwards it, the cache stores what it sent. Throws only when no answer came
   * (connection, abort).
   */
  send(request: RawRequest, options?: CallOptions): Promise<UpstreamResponse>;
}

/** How a model call was served, as reported on steps, events and gateway headers. */
export type CacheStatus = "hit-memory" | "hit-db" | "miss" | "coalesced" | "bypass";

/** Per-request cache control. */
export interface CacheControl {
  /** default: read and write the cache; bypass: neither; refresh: skip the read, write the result. */
  mode?: "default" | "bypass" | "refresh";
  /** Overrides the entry's time to live. */
  ttlSeconds?: number;
  /**
   * A warm-up fill, not a user's lookup: it moves no hit/miss statistic (issue 13 #8).
   * @default false
   */
  warm?: boolean;
}

/** What a caller of the model knows about the call beyond the request itself. */
export interface CallContext extends CallOptions {
  /** The tenant namespace: cache keys, stats and locks are scoped to it. */
  teamId?: string;
  /** For cache statistics and admin purges by agent. */
  agentId?: string;
  cache?: CacheControl;
  /** Told once, before the first event, how the call is being served. */
  onCacheStatus?: (status: CacheStatus) => void;
  /**
   * How long the call may wait for outbound room before it fails (upstream_rate_limited with
   * `details.outbound`). @default no bound but its signal
   */
  outboundMaxWaitMs?: number;
}

/**
 * The seam between the orchestrator (and the gateway) and whatever answers model calls: the bare
 * provider, or the provider behind the response cache. A Provider's `stream` fits it as is.
 */
export type ModelCaller = (
  request: ModelRequest,
  context: CallContext,
) => AsyncIterable<ModelStreamEvent>;

/** An upstream HTTP answer, its body unread: what the gateway forwards and the cache stores. */
export interface UpstreamResponse {
  status: number;
  headers: Headers;
  /** The body as it arrives; null when there is none. */
  body: AsyncIterable<Uint8Array> | null;
}

/** A request forwarded as sent: the body's bytes and the client's protocol headers. */
export interface RawRequest {
  /** The API path and the client's query string, e.g. `/v1/messages?beta=true`. */
  path: string;
  /** The body exactly as the client sent it. */
  body: string | Uint8Array;
  /**
   * Headers to forward (`anthropic-version`, `anthropic-beta`, …). Credentials among them are
   * replaced by the provider's own unless `ownCredentials` is set.
   */
  headers?: Headers;
  /** Forward the client's own x-api-key / Authorization instead of the server's key. */
  ownCredentials?: boolean;
  /** Set on model calls that count against the outbound limits (lib/outbound). */
  outbound?: {
    model: string;
    teamId: string;
    /** How long the call may wait for room. @default no bound but its signal */
    maxWaitMs?: number;
    /** Told how long the call waited for room (0 on the fast path), before it goes. */
    onWait?: (ms: number) => void;
  };
}
