import "server-only";
import { LRUCache } from "lru-cache";
import type { Role } from "./roles";

export interface CachedKey {
  id: string;
  teamId: string;
  role: Role;
  revoked: boolean;
  lastUsedAt: number | null;
}

/**
 * API-key lookups by hash, remembered briefly so a busy key does not cost a database read per
 * request (the gateway's hot path). lib/runtime builds one per process and evicts a revoked key
 * at once on this instance and, through pub/sub, on every other; the TTL bounds staleness should
 * that message be lost.
 *
 * An expired lookup is kept a while longer (`staleMs`) for one use only: answering a known key
 * while the database is down, so an outage past the TTL does not refuse every call.
 */
export interface ApiKeyCache {
  /** A fresh lookup (younger than its TTL). */
  get(hash: string): CachedKey | undefined;
  /** A lookup past its TTL but within the stale window: only for when the database is down. */
  getStale(hash: string): CachedKey | undefined;
  /**
   * Remembers a key for `ttlMs` (at most, and by default, the cache's TTL), so an expiry can be
   * exact. A key that
   * itself expires at `expiresAt` (epoch ms) is never served stale past that moment.
   */
  set(hash: string, key: CachedKey, ttlMs?: number, expiresAt?: number): void;
  /** Forgets a key by id (after a revoke, here or on another instance). */
  forget(id: string): void;
}

interface Entry {
  key: CachedKey;
  /** Fresh until this moment (epoch ms); stale, and only for outages, after it. */
  freshUntil: number;
  /** Not served at all after this moment (epoch ms). */
  staleUntil: number;
}

export function createApiKeyCache(
  options: {
    max?: number;
    /** @default 30_000 */
    ttlMs?: number;
    /** How long past its TTL a lookup may answer while the database is down. @default 600_000 */
    staleMs?: number;
  } = {},
): ApiKeyCache {
  const ttlMs = options.ttlMs ?? 30_000;
  const staleMs = options.staleMs ?? 600_000;
  // Both limits are checked per entry on Date.now(); the LRU's own TTL only frees the memory.
  const cache = new LRUCache<string, Entry>({ max: options.max ?? 10_000, ttl: ttlMs + staleMs });
  return {
    get(hash) {
      const entry = cache.get(hash);
      return entry && Date.now() < entry.freshUntil ? entry.key : undefined;
    },
    getStale(hash) {
      const entry = cache.get(hash);
      return entry && Date.now() < entry.staleUntil ? entry.key : undefined;
    },
    set(hash, key, ttl, expiresAt) {
      const now = Date.now();
      const freshFor = Math.min(ttl ?? ttlMs, ttlMs);
      const end = Math.min(now + freshFor + staleMs, expiresAt ?? Infinity);
      if (end <= now) return;
      cache.set(hash, { key, freshUntil: now + freshFor, staleUntil: end }, { ttl: end - now });
    },
    forget(id) {
      for (const [hash, entry] of cache.entries()) if (entry.key.id === id) cache.delete(hash);
    },
  };
}

export const API_KEY_REVOKED_CHANNEL = "ensemble:auth:api-key-revoked";
