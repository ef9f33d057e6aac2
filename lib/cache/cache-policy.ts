import type { CacheControl, ModelRequest } from "@/lib/llm/types";

/**
 * Whether a call goes through the cache. An explicit mode wins ("bypass" never, "default" or
 * "refresh" always: the agent opted in). Otherwise only deterministic-looking calls are cached,
 * temperature 0 or unset, because replaying one sample of a creative call would silently turn
 * it into a constant.
 */
export function shouldCache(request: ModelRequest, control: CacheControl | undefined): boolean {
  if (control?.mode === "bypass") return false;
  if (control?.mode !== undefined) return true;
  return request.temperature === undefined || request.temperature === 0;
}
