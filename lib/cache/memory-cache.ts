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
  /** The stored answer as text (see encodeStored); L1 never holds ciphertext. */
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
   * Upper bound on one team's summed entry sizes: a team over it evicts its own least recently
   * used entries first, so no team can push every other team's entries out of L1.
   * @default maxBytes (no per-team bound)
   */
  teamMaxBytes?: number;
  /**
   * Larger entries are not kept in L1 at all (they would evict everything else); L2 still has them.
   * @default maxBytes / 8 (at most teamMaxBytes)
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

/** One team's share of L1: its bytes, and its keys from least to most recently used. */
interface TeamShare {
  bytes: number;
  /** Key → sizeBytes; a Map keeps insertion order, so a read re-inserts its key at the end. */
  keys: Map<string, number>;
}

/**
 * L1: an in-process LRU bounded by bytes, with a per-entry expiry checked against the injected
 * clock on read (lru-cache's own TTL runs on performance.now, a second clock we do not want).
 */
export class MemoryCache {
  readonly maxBytes: number;
  readonly teamMaxBytes: number;
  readonly #maxEntryBytes: number;
  readonly #overhead: number;
  readonly #now: () => number;
  readonly #lru: LRUCache<string, MemoryEntry>;
  readonly #listeners = new Set<EvictionListener>();
  readonly #teams = new Map<string, TeamShare>();
  #evictions = 0;

  constructor(options: MemoryCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.teamMaxBytes = Math.min(options.teamMaxBytes ?? this.maxBytes, this.maxBytes);
    this.#maxEntryBytes = Math.min(
      options.maxEntryBytes ?? Math.floor(this.maxBytes / 8),
      this.teamMaxBytes,
    );
    this.#overhead = options.entryOverheadBytes ?? 256;
    this.#now = options.now ?? Date.now;
    this.#lru = new LRUCache<string, MemoryEntry>({
      maxSize: this.maxBytes,
      sizeCalculation: (entry) => entry.sizeBytes,
      // Called synchronously for every removal (evict, delete, replace, expiry), so the team
      // shares always sum to what the LRU holds.
      dispose: (entry, key, reason) => {
        this.#forget(entry, key);
        if (reason === "evict") this.#evicted(entry);
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
    const keys = this.#teams.get(entry.meta.teamId)?.keys;
    if (keys?.delete(key)) keys.set(key, entry.sizeBytes);
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
    this.#charge(key, sizeBytes, meta.teamId);
    return true;
  }

  /** Bytes one team holds in L1. */
  teamBytes(teamId: string): number {
    return this.#teams.get(teamId)?.bytes ?? 0;
  }

  /** One team's share of L1, against its quota: what that team's cache page may show. */
  teamStats(teamId: string): { entries: number; bytes: number; maxBytes: number } {
    const share = this.#teams.get(teamId);
    return {
      entries: share?.keys.size ?? 0,
      bytes: share?.bytes ?? 0,
      maxBytes: this.teamMaxBytes,
    };
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

  /** Adds a stored entry to its team's share, then evicts the team's oldest while over quota. */
  #charge(key: string, sizeBytes: number, teamId: string): void {
    let share = this.#teams.get(teamId);
    if (share === undefined) {
      share = { bytes: 0, keys: new Map() };
      this.#teams.set(teamId, share);
    }
    share.keys.set(key, sizeBytes);
    share.bytes += sizeBytes;
    while (share.bytes > this.teamMaxBytes) {
      const oldest = share.keys.keys().next().value as string;
      const entry = this.#lru.peek(oldest);
      if (entry === undefined) {
        // Not in the LRU (cannot happen while dispose keeps the books): drop it so the loop ends.
        share.bytes -= share.keys.get(oldest) ?? 0;
        share.keys.delete(oldest);
        continue;
      }
      this.#lru.delete(oldest);
      this.#evicted(entry);
    }
  }

  #forget(entry: MemoryEntry, key: string): void {
    const share = this.#teams.get(entry.meta.teamId);
    if (share === undefined || !share.keys.delete(key)) return;
    share.bytes -= entry.sizeBytes;
    if (share.keys.size === 0) this.#teams.delete(entry.meta.teamId);
  }

  #evicted(entry: MemoryEntry): void {
    this.#evictions += 1;
    for (const listener of this.#listeners) listener(entry);
  }

  #expired(entry: MemoryEntry): boolean {
    return entry.meta.expiresAt !== null && entry.meta.expiresAt <= this.#now();
  }
}

export function createMemoryCache(options?: MemoryCacheOptions): MemoryCache {
  return new MemoryCache(options);
}
