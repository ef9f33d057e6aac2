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
 * request (the gateway's hot path). Revocation evicts at once on this instance and, through
 * pub/sub, on every other; the TTL bounds staleness should that message be lost.
 */
const globalForKeys = globalThis as unknown as { ensembleKeyCache?: LRUCache<string, CachedKey> };

export function apiKeyCache(): LRUCache<string, CachedKey> {
  globalForKeys.ensembleKeyCache ??= new LRUCache<string, CachedKey>({ max: 10_000, ttl: 30_000 });
  return globalForKeys.ensembleKeyCache;
}

/** Forgets a key by id (after a revoke, here or on another instance). */
export function forgetApiKey(id: string): void {
  const cache = apiKeyCache();
  for (const [hash, key] of cache.entries()) if (key.id === id) cache.delete(hash);
}

export const API_KEY_REVOKED_CHANNEL = "ensemble:auth:api-key-revoked";
