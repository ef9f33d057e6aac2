import { LRUCache } from "lru-cache";

/** What an L1 entry knows about itself: enough for stats and for purges by team, agent or model. */
export interface EntryMeta {
  teamId: string;
  agentId: string | null;
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** The original upstream call's duration: the latency a hit saves. */
  latencyMs: number;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds; null never expires (it can still be evicted). */
  expiresAt: number | null;
}

/** One L1 entry: the response kept as the stored JSON string, parsed only when served. */
export interface MemoryEntry {
  key: string;
  /** Plaintext response JSON (see serializeResponse); L1 never holds ciphertext. */
  response: string;
  /** UTF-8 bytes of `response`: what a hit serves. */
  bytes: number;
  /** UTF-8 bytes of `response` plus the fixed per-entry overhead: what counts against maxBytes. */
  sizeBytes: number;
  meta: EntryMeta;
}

export interface MemoryCacheStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  /** Entries pushed out to stay under maxBytes (not expiries, deletes or purges). */
  evictions: number;
}

export interface MemoryCacheOptions {
  /**
   * Upper bound on the summed entry sizes.
   * @default 67108864 (64 MiB)
   */
  maxBytes?: number;
  /**
   * Larger entries are not kept in L1 at all (they would evict everything else); L2 still has them.
   * @default maxBytes / 8
   */
  maxEntryBytes?: number;
  /**
   * Bytes added to each entry for the key, metadata and map bookkeeping, so that many tiny
   * responses cannot exceed the bound by far.
   * @default 256
   */
  entryOverheadBytes?: number;
  /**
   * Clock for expiry, in epoch milliseconds. Injected so tests and the L2 rows share one clock.
   * @default Date.now
   */
  now?: () => number;
}

export type EvictionListener = (entry: MemoryEntry) => void;

/**
 * L1: an in-process LRU bounded by bytes, with a per-entry expiry checked against the injected
 * clock on read (lru-cache's own TTL runs on performance.now, a second clock we do not want).
 */
export class MemoryCache {
  readonly maxBytes: number;
  readonly #maxEntryBytes: number;
  readonly #overhead: number;
  readonly #now: () => number;
  readonly #lru: LRUCache<string, MemoryEntry>;
  readonly #listeners = new Set<EvictionListener>();
  #evictions = 0;

  constructor(options: MemoryCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.#maxEntryBytes = Math.min(
      options.maxEntryBytes ?? Math.floor(this.maxBytes / 8),
      this.maxBytes,
    );
    this.#overhead = options.entryOverheadBytes ?? 256;
    this.#now = options.now ?? Date.now;
    this.#lru = new LRUCache<string, MemoryEntry>({
      maxSize: this.maxBytes,
      sizeCalculation: (entry) => entry.sizeBytes,
      dispose: (entry, _key, reason) => {
        if (reason !== "evict") return;
        this.#evictions += 1;
        for (const listener of this.#listeners) listener(entry);
      },
    });
  }

  /** The live entry for key (marking it most recently used), or undefined if absent or expired. */
  get(key: string): MemoryEntry | undefined {
    const entry = this.#lru.get(key);
    if (entry === undefined) return undefined;
    if (this.#expired(entry)) {
      this.#lru.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Like get, without touching recency. */
  peek(key: string): MemoryEntry | undefined {
    const entry = this.#lru.peek(key);
    return entry === undefined || this.#expired(entry) ? undefined : entry;
  }

  /** Stores a response; returns false when it is too large for L1 (or already expired). */
  set(key: string, response: string, meta: EntryMeta): boolean {
    const bytes = Buffer.byteLength(response, "utf8");
    const sizeBytes = bytes + this.#overhead;
    if (
      sizeBytes > this.#maxEntryBytes ||
      (meta.expiresAt !== null && meta.expiresAt <= this.#now())
    ) {
      this.#lru.delete(key);
      return false;
    }
    this.#lru.set(key, { key, response, bytes, sizeBytes, meta });
    return true;
  }

  delete(key: string): boolean {
    return this.#lru.delete(key);
  }

  /** Removes every entry the predicate accepts; returns how many. */
  purge(predicate: (meta: EntryMeta, key: string) => boolean): number {
    const doomed: string[] = [];
    for (const [key, entry] of this.#lru.entries()) {
      if (predicate(entry.meta, key)) doomed.push(key);
    }
    for (const key of doomed) this.#lru.delete(key);
    return doomed.length;
  }

  /** Drops expired entries now rather than when next read; returns how many. */
  prune(): number {
    const now = this.#now();
    return this.purge((meta) => meta.expiresAt !== null && meta.expiresAt <= now);
  }

  clear(): void {
    this.#lru.clear();
  }

  /** Called with each entry evicted for space; returns the unsubscribe function. */
  onEvict(listener: EvictionListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stats(): MemoryCacheStats {
    return {
      entries: this.#lru.size,
      bytes: this.#lru.calculatedSize,
      maxBytes: this.maxBytes,
      evictions: this.#evictions,
    };
  }

  #expired(entry: MemoryEntry): boolean {
    return entry.meta.expiresAt !== null && entry.meta.expiresAt <= this.#now();
  }
}

export function createMemoryCache(options?: MemoryCacheOptions): MemoryCache {
  return new MemoryCache(options);
}
