import "server-only";
import type { ModelCaller } from "@/lib/llm/types";
import { shouldCache } from "./cache-policy";
import type { ResponseCache } from "./response-cache";

/**
 * Puts the cache in front of a model caller (the orchestrator's and the gateway's seam). The
 * policy (shouldCache) turns each call's CacheControl into an effective mode.
 */
export function createCachedCaller(cache: ResponseCache, upstream: ModelCaller): ModelCaller {
  return (request, context) => {
    const mode = shouldCache(request, context.cache)
      ? (context.cache?.mode ?? "default")
      : "bypass";
    return cache.stream(request, { ...context, cache: { ...context.cache, mode } }, (signal) =>
      // The flight's signal, not the caller's: one caller leaving must not cancel a shared call.
      // The status callback stays with the cache, which calls it exactly once.
      upstream(request, { ...context, signal, onCacheStatus: undefined }),
    );
  };
}
