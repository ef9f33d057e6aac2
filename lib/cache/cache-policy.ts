import type { CacheControl } from "@/lib/llm/types";

/**
 * Whether a call goes through the cache. An explicit mode wins ("bypass" never; "default",
 * "force" or "refresh" always: the caller or the agent opted in). Otherwise only calls whose
 * sampling is deterministic, temperature explicitly 0, are cached: an unset temperature is the
 * API's 1.0, and replaying one sample of a creative call would silently turn it into a constant.
 */
export function shouldCache(
  request: { temperature?: unknown },
  control: CacheControl | undefined,
): boolean {
  if (control?.mode === "bypass") return false;
  if (control?.mode !== undefined) return true;
  return request.temperature === 0;
}
