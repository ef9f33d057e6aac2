import "server-only";
import type {
  CallContext,
  ModelCaller,
  ModelRequest,
  RawRequest,
  UpstreamResponse,
} from "@/lib/llm/types";
import { answerEvents } from "./answer-events";
import { cacheKey, cacheKeyMaterial } from "./cache-key";
import { shouldCache } from "./cache-policy";
import type { ResponseCache } from "./response-cache";

/** An upstream call that returns the raw answer (the provider's `send`), for the cache to store. */
export type RawCaller = (request: ModelRequest, context: CallContext) => Promise<UpstreamResponse>;

/**
 * Puts the cache in front of the orchestrator's model calls. Each call is sent as a streaming
 * Messages request; the cache stores the upstream's frames as received, the same frames the
 * gateway stores, so a run and a gateway client with the same request share one entry.
 */
export function createCachedCaller(cache: ResponseCache, upstream: RawCaller): ModelCaller {
  return (request, context) => cachedEvents(cache, upstream, request, context);
}

async function* cachedEvents(
  cache: ResponseCache,
  upstream: RawCaller,
  request: ModelRequest,
  context: CallContext,
) {
  const tenant = context.teamId;
  const cached = tenant !== undefined && shouldCache(request, context.cache);
  const mode = cached ? (context.cache?.mode ?? "default") : "bypass";
  let answer;
  try {
    answer = await cache.fetch(
      {
        key: tenant === undefined ? "" : cacheKey(request, { tenant }),
        tenant: tenant ?? "",
        model: request.model,
        agentId: context.agentId ?? null,
        format: "sse",
        mode,
        ttlSeconds: context.cache?.ttlSeconds,
        warm: context.cache?.warm,
        material: () => cacheKeyMaterial(request),
        signal: context.signal,
      },
      // The flight's signal, not the caller's: one caller leaving must not cancel a shared call.
      (signal) => upstream(request, { ...context, signal, onCacheStatus: undefined }),
    );
  } catch (error) {
    context.onCacheStatus?.(mode === "bypass" ? "bypass" : "miss");
    throw error;
  }
  context.onCacheStatus?.(answer.status);
  yield* answerEvents(answer, context.signal);
}

/** The provider's raw call for a run: the request as a streaming Messages body. */
export function sendStreaming(
  send: (raw: RawRequest, options: { signal?: AbortSignal }) => Promise<UpstreamResponse>,
): RawCaller {
  return (request, context) =>
    send(
      {
        path: "/v1/messages",
        body: JSON.stringify({ ...request, stream: true }),
        // Counted against the model's outbound limits; a run step waits within its deadline, or
        // less when it has a fallback model to switch to.
        outbound: {
          model: request.model,
          teamId: context.teamId ?? "",
          ...(context.outboundMaxWaitMs === undefined
            ? {}
            : { maxWaitMs: context.outboundMaxWaitMs }),
        },
      },
      { signal: context.signal },
    );
}
