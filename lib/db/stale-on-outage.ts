import type { LRUCache } from "lru-cache";
import { isDatabaseUnavailable } from "./unavailable";

/**
 * A value remembered in `cache`, reloaded when its TTL has passed; while the database is
 * unavailable, the last value loaded stands in (the cache must be built with
 * `noDeleteOnStaleGet: true` so an expired entry survives until it is replaced or evicted).
 * Settings read on every request (cache policy, team options) so keep answering in an outage.
 */
export async function loadOrStale<V extends object>(
  cache: LRUCache<string, V>,
  key: string,
  load: () => Promise<V>,
): Promise<V> {
  const fresh = cache.get(key);
  if (fresh !== undefined) return fresh;
  try {
    const value = await load();
    cache.set(key, value);
    return value;
  } catch (error) {
    const stale = isDatabaseUnavailable(error) ? cache.get(key, { allowStale: true }) : undefined;
    if (stale === undefined) throw error;
    return stale;
  }
}
