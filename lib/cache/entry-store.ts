import "server-only";
import { canonicalJson } from "./cache-key";
import { decrypt, encrypt, sign, verify, type Secret } from "./integrity";
import type { L2Store, ServedEntry, StoredEntry } from "./l2-store";
import { L2Writer, type L2WriteStats } from "./l2-writer";
import type { MemoryCache } from "./memory-cache";
import { decodeStored, encodeStored, type StoredResponse } from "./stored-response";

/** Structured logging, injected so the library never picks a logger for the app. */
export interface CacheLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A readable stored answer and what serving it saves. */
export interface Found {
  stored: StoredResponse;
  bytes: number;
  latencyMs: number;
}

/** What an L2 read found: a verified entry, nothing, or a row that failed its HMAC. */
export type DbRead = { kind: "found"; found: Found } | { kind: "none" } | { kind: "tampered" };

/** What a store needs beyond the answer itself. */
export interface WriteMeta {
  key: string;
  tenant: string;
  model: string;
  agentId: string | null;
  ttlSeconds: number;
  latencyMs: number;
  /** The request as the admin screens show it (the canonical body); computed after the answer. */
  material: () => unknown;
  /** Runs once the L2 row is written or its write failed (the cross-instance lock's release). */
  after?: () => Promise<void>;
}

export interface EntryStoreOptions {
  l1: MemoryCache;
  l2: L2Store;
  secret: Secret;
  encryptionKey?: Uint8Array;
  now: () => number;
  logger: CacheLogger;
  /** How long writes wait to be batched. @default 10 */
  writeDelayMs?: number;
  /** Unwritten L2 rows kept at most (see L2Writer). @default 1000 */
  maxPendingWrites?: number;
}

/** Distinct keys with uncounted L1 hits before they are written without waiting for the timer. */
const MAX_PENDING_HIT_KEYS = 10_000;

/**
 * The two tiers behind the hot path: L1 reads with batched hit counts, one indexed L2 read
 * (expiry, HMAC, decryption, promotion to L1), and writes that reach L1 at once and L2 after the
 * answer, in batches.
 */
export class EntryStore {
  readonly #o: EntryStoreOptions;
  #pendingHits = new Map<string, number>();
  readonly #writer: L2Writer;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(options: EntryStoreOptions) {
    this.#o = options;
    this.#writer = new L2Writer({
      l2: options.l2,
      logger: options.logger,
      delayMs: options.writeDelayMs,
      maxPending: options.maxPendingWrites,
    });
  }

  /** The L1 entry for key, counted as a hit; an unreadable one (older format) is dropped. */
  readMemory(key: string, countHit = true): Found | null {
    const entry = this.#o.l1.get(key);
    if (entry === undefined) return null;
    try {
      const stored = decodeStored(entry.response);
      if (countHit) this.#countHit(key);
      return { stored, bytes: entry.bytes, latencyMs: entry.meta.latencyMs };
    } catch {
      this.#o.l1.delete(key);
      return null;
    }
  }

  /** One primary-key read; never throws (an L2 outage is a miss). Verified against the caller's key. */
  async readDb(key: string, tenant: string, model: string): Promise<DbRead> {
    // A store that sees every write (one process on PGlite) knows a miss without reading.
    if (this.#o.l2.mayContain?.(key) === false) return { kind: "none" };
    let row: ServedEntry | null;
    try {
      row = await this.#o.l2.get(key);
    } catch (error) {
      this.#o.logger.error("L2 read failed; treating as a miss", { key, error: String(error) });
      return { kind: "none" };
    }
    if (row === null) return { kind: "none" };
    const now = this.#o.now();
    if (row.expiresAt !== null && row.expiresAt.getTime() <= now) {
      this.background(this.#o.l2.delete(key, { hmac: row.hmac }));
      return { kind: "none" };
    }
    const signed = { key, tenant, model, response: row.response };
    if (!verify(signed, row.hmac, this.#o.secret)) {
      this.#o.logger.warn("L2 entry failed its HMAC check; deleted it and treating as a miss", {
        key,
        teamId: tenant,
        model,
      });
      this.background(this.#o.l2.delete(key, { hmac: row.hmac }));
      return { kind: "tampered" };
    }
    try {
      const plaintext = this.#open(row);
      const stored = decodeStored(plaintext);
      this.#o.l1.set(key, plaintext, {
        teamId: row.teamId,
        agentId: row.agentId,
        model: row.model,
        inputTokens: row.inputTokens,
        outputTokens: row.outputTokens,
        latencyMs: row.latencyMs,
        createdAt: row.createdAt.getTime(),
        expiresAt: row.expiresAt?.getTime() ?? null,
      });
      this.#countHit(key);
      const bytes = Buffer.byteLength(plaintext, "utf8");
      return { kind: "found", found: { stored, bytes, latencyMs: row.latencyMs } };
    } catch {
      // Authentic but unreadable (an older stored format, or a changed encryption key): a miss,
      // and the next answer overwrites the row.
      return { kind: "none" };
    }
  }

  /** L1 now, so the next identical call hits; L2 after the answer, batched. */
  write(stored: StoredResponse, meta: WriteMeta): void {
    const text = encodeStored(stored);
    const now = this.#o.now();
    const expiresAt = meta.ttlSeconds > 0 ? now + meta.ttlSeconds * 1000 : null;
    this.#o.l1.set(meta.key, text, {
      teamId: meta.tenant,
      agentId: meta.agentId,
      model: meta.model,
      inputTokens: stored.inputTokens,
      outputTokens: stored.outputTokens,
      latencyMs: Math.round(meta.latencyMs),
      createdAt: now,
      expiresAt,
    });
    this.#writer.push({
      entry: () => this.#seal(text, stored, meta, now, expiresAt),
      after: meta.after,
    });
  }

  /** Writes every queued entry to L2 now. */
  flushWrites(): Promise<void> {
    return this.#writer.flush();
  }

  /** The L2 writer's counters (written, dropped for backlog, failed, pending). */
  writeStats(): L2WriteStats {
    return this.#writer.stats();
  }

  /** Writes the hits counted since the last flush to L2 (hit counts and recency), batched. */
  async flushHits(): Promise<void> {
    if (this.#pendingHits.size === 0) return;
    // A hit on an entry whose row is still queued would touch nothing and be lost: rows first.
    if (this.#writer.busy()) await this.#writer.flush().catch(() => {});
    const batch = this.#pendingHits;
    this.#pendingHits = new Map();
    const at = new Date(this.#o.now());
    const { l2, logger } = this.#o;
    const failed = (error: unknown) =>
      logger.warn("could not record cache hits in L2", { keys: batch.size, error: String(error) });
    if (l2.touchMany) return l2.touchMany(batch, at).catch(failed);
    await Promise.all([...batch].map(([key, hits]) => l2.touch(key, at, hits).catch(failed)));
  }

  /** Resolves once queued writes, counted hits and background tasks have settled. */
  async idle(): Promise<void> {
    if (this.#pendingHits.size > 0) this.background(this.flushHits());
    while (this.#pending.size > 0 || this.#writer.busy()) {
      if (this.#writer.busy()) this.background(this.#writer.flush());
      await Promise.allSettled([...this.#pending]);
    }
  }

  /** Hits (L1 and L2) are counted here and reach L2 in batches (flushHits), not one UPDATE each. */
  #countHit(key: string): void {
    this.#pendingHits.set(key, (this.#pendingHits.get(key) ?? 0) + 1);
    if (this.#pendingHits.size >= MAX_PENDING_HIT_KEYS) void this.flushHits();
  }

  background(task: Promise<unknown>): void {
    const tracked = task.catch((error: unknown) =>
      this.#o.logger.error("background cache task failed", { error: String(error) }),
    );
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }

  #open(row: ServedEntry): string {
    if (!row.encrypted) return row.response;
    if (this.#o.encryptionKey === undefined) throw new Error("entry is encrypted, no key is set");
    return decrypt(row.response, this.#o.encryptionKey);
  }

  #seal(
    text: string,
    stored: StoredResponse,
    meta: WriteMeta,
    now: number,
    expiresAt: number | null,
  ): StoredEntry {
    const key = this.#o.encryptionKey;
    const response = key ? encrypt(text, key) : text;
    const material = meta.material();
    const request = key ? { encrypted: encrypt(canonicalJson(material), key) } : material;
    return {
      key: meta.key,
      teamId: meta.tenant,
      agentId: meta.agentId,
      model: meta.model,
      request,
      response,
      encrypted: key !== undefined,
      // The request too: warming replays it, so an edited one must read as tampered.
      hmac: sign(
        { key: meta.key, tenant: meta.tenant, model: meta.model, response, request },
        this.#o.secret,
      ),
      sizeBytes: Buffer.byteLength(response, "utf8"),
      inputTokens: stored.inputTokens,
      outputTokens: stored.outputTokens,
      latencyMs: Math.round(meta.latencyMs),
      hitCount: 0,
      createdAt: new Date(now),
      lastHitAt: new Date(now),
      expiresAt: expiresAt === null ? null : new Date(expiresAt),
    };
  }
}
