/**
 * One L2 row, shaped like the CacheEntry model in prisma/schema.prisma. The Prisma-backed store
 * lives elsewhere; the cache core only sees this interface, so it is testable without a database.
 */
export interface StoredEntry {
  /** SHA-256 hex of the canonical request and tenant (see cacheKey). */
  key: string;
  teamId: string;
  agentId: string | null;
  model: string;
  /**
   * The canonical request, for inspection and cache warming. With encryption at rest on it is
   * `{ encrypted: "<base64>" }`, since the prompt is as sensitive as the answer.
   */
  request: unknown;
  /** Response JSON text, or base64 AES-256-GCM ciphertext when `encrypted`. */
  response: string;
  encrypted: boolean;
  /** HMAC-SHA256 hex over key, tenant, model and `response` as stored. */
  hmac: string;
  /** Bytes of `response` as stored. */
  sizeBytes: number;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  hitCount: number;
  createdAt: Date;
  lastHitAt: Date;
  /** null: no expiry (the row can still be evicted by size or age in SQL). */
  expiresAt: Date | null;
}

/** What serving a hit needs of a row: all of it but the request, which only admin screens show. */
export type ServedEntry = Omit<StoredEntry, "request">;

/** The shared, persistent tier. Implementations must be safe to call concurrently. */
export interface L2Store {
  /** The row for key (its request left out), or null. Expiry and integrity are the caller's. */
  get(key: string): Promise<ServedEntry | null>;
  /** Inserts or replaces the row for entry.key. */
  put(entry: StoredEntry): Promise<void>;
  /**
   * Inserts or replaces many rows in one go, all or nothing (the cache's batched writes); when
   * absent, the cache puts them one by one.
   */
  putMany?(entries: StoredEntry[]): Promise<void>;
  /**
   * Records hits on many rows at once (hitCount + hits, lastHitAt = at); missing rows are not an
   * error. When absent, the cache touches them one by one.
   */
  touchMany?(hits: ReadonlyMap<string, number>, at: Date): Promise<void>;
  /**
   * False only when the key is certainly not stored, so the read can be skipped (a store that
   * sees every write, e.g. the one process on embedded PGlite). @default always true
   */
  mayContain?(key: string): boolean;
  /**
   * Deletes the row for key; a missing row is not an error. With `only.hmac`, only the row that
   * still carries that signature: a bad row found on read must not take with it the fresh row a
   * recomputed answer wrote meanwhile (the delete runs in the background, on another connection).
   */
  delete(key: string, only?: { hmac: string }): Promise<void>;
  /** Records hits: hitCount + hits (default 1) and lastHitAt = at; a missing row is not an error. */
  touch(key: string, at: Date, hits?: number): Promise<void>;
}
