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
}

/** How a model call was served, as reported on steps, events and gateway headers. */
export type CacheStatus = "hit-memory" | "hit-db" | "miss" | "coalesced" | "bypass";

/** Per-request cache control. */
export interface CacheControl {
  /** default: read and write the cache; bypass: neither; refresh: skip the read, write the result. */
  mode?: "default" | "bypass" | "refresh";
  /** Overrides the entry's time to live. */
  ttlSeconds?: number;
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
}

/**
 * The seam between the orchestrator (and the gateway) and whatever answers model calls: the bare
 * provider, or the provider behind the response cache. A Provider's `stream` fits it as is.
 */
export type ModelCaller = (
  request: ModelRequest,
  context: CallContext,
) => AsyncIterable<ModelStreamEvent>;
