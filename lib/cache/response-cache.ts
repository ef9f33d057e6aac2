import "server-only";
import type Anthropic from "@anthropic-ai/sdk";
import { AppError } from "@/lib/errors";
import type { CacheStatus, CallContext, ModelRequest, ModelStreamEvent } from "@/lib/llm/types";
import { cacheKey, cacheKeyMaterial, canonicalJson } from "./cache-key";
import type { CacheOutcome, StatsSink } from "./cache-stats";
import {
  parseResponse,
  replayEvents,
  ResponseCollector,
  serializeResponse,
} from "./cached-response";
import {
  createLocalFlightLock,
  type FlightLock,
  type FlightLockHandle,
} from "./cross-instance-lock";
import { decrypt, encrypt, sign, verify, type Secret } from "./integrity";
import type { L2Store, StoredEntry } from "./l2-store";
import type { EntryMeta, MemoryCache } from "./memory-cache";
import { estimateCostUsd } from "./pricing";
import { createSingleFlight, type SingleFlight } from "./single-flight";

/** Structured logging, injected so the library never picks a logger for the app. */
export interface CacheLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Admin purge criteria; every given criterion must match. An empty filter purges everything. */
export interface PurgeFilter {
  key?: string;
  teamId?: string;
  agentId?: string;
  model?: string;
  /** Entries created before this instant. */
  olderThan?: Date;
}

/** Distinct keys with uncounted L1 hits before they are written without waiting for the timer. */
const MAX_PENDING_HIT_KEYS = 10_000;

export interface ResponseCacheOptions {
  /** L1: this process's byte-bounded LRU. */
  l1: MemoryCache;
  /** L2: the shared store (Postgres in production). */
  l2: L2Store;
  /** HMAC key for L2 rows; validate it with assertStrongSecret where config is read. */
  secret: Secret;
  /**
   * 32-byte AES-256-GCM key (see deriveEncryptionKey). When set, L2 responses and requests are
   * encrypted at rest; L1 always holds plaintext.
   * @default undefined (no encryption)
   */
  encryptionKey?: Uint8Array;
  /**
   * Cross-instance single-flight lock.
   * @default createLocalFlightLock()
   */
  lock?: FlightLock;
  /** @default undefined (no statistics) */
  stats?: StatsSink;
  /** Entry lifetime when the call does not set cache.ttlSeconds; 0 or less means no expiry. */
  defaultTtlSeconds: number;
  /**
   * Clock in epoch milliseconds, shared by L1 expiry checks if you pass the same one to the L1.
   * @default Date.now
   */
  now?: () => number;
  /** @default console, prefixed "[cache]" */
  logger?: CacheLogger;
  /**
   * Tenant for calls without context.teamId. Without one such calls bypass the cache, since an
   * entry must belong to a team.
   * @default undefined
   */
  defaultTeamId?: string;
  /**
   * How long a leader may hold the cross-instance lock: longer than a slow model call.
   * @default 120000
   */
  lockTtlMs?: number;
  /**
   * How long a waiting instance waits for the holder before computing itself.
   * @default lockTtlMs
   */
  lockWaitMs?: number;
  /** @default 64 */
  replayChunkSize?: number;
  /** Told of every purge made here, to fan it out to other instances' L1 (pub/sub). */
  onPurge?: (filter: PurgeFilter) => void;
}

/** Starts the upstream call; the signal aborts only when every coalesced caller has gone. */
export type Compute = (signal: AbortSignal) => AsyncIterable<ModelStreamEvent>;

interface Hit {
  status: "hit-memory" | "hit-db";
  message: Anthropic.Message;
  bytes: number;
  latencyMs: number;
}

/** What one call learned about itself, for its single stats record. */
interface CallTally {
  status: CacheStatus;
  inputTokens: number;
  outputTokens: number;
  bytes: number;
  latencySavedMs: number;
}

const SAVING: ReadonlySet<CacheStatus> = new Set(["hit-memory", "hit-db", "coalesced"]);

const consoleLogger: CacheLogger = {
  warn: (message, fields) => console.warn(`[cache] ${message}`, fields ?? {}),
  error: (message, fields) => console.error(`[cache] ${message}`, fields ?? {}),
};

/**
 * The response cache in the path of every model call: key → L1 → L2 (HMAC-verified) → single
 * flight (in process, then across instances) → upstream, storing only complete responses.
 */
export class ResponseCache {
  readonly #l1: MemoryCache;
  readonly #l2: L2Store;
  readonly #secret: Secret;
  readonly #encryptionKey: Uint8Array | undefined;
  readonly #lock: FlightLock;
  readonly #stats: StatsSink | undefined;
  readonly #defaultTtlSeconds: number;
  readonly #now: () => number;
  readonly #logger: CacheLogger;
  readonly #defaultTeamId: string | undefined;
  readonly #lockTtlMs: number;
  readonly #lockWaitMs: number;
  #pendingHits = new Map<string, number>();
  readonly #chunkSize: number;
  readonly #onPurge: ((filter: PurgeFilter) => void) | undefined;
  readonly #flights: SingleFlight<ModelStreamEvent> = createSingleFlight();
  readonly #pending = new Set<Promise<unknown>>();

  constructor(options: ResponseCacheOptions) {
    this.#l1 = options.l1;
    this.#l2 = options.l2;
    this.#secret = options.secret;
    this.#encryptionKey = options.encryptionKey;
    this.#lock = options.lock ?? createLocalFlightLock();
    this.#stats = options.stats;
    this.#defaultTtlSeconds = options.defaultTtlSeconds;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? consoleLogger;
    this.#defaultTeamId = options.defaultTeamId;
    this.#lockTtlMs = options.lockTtlMs ?? 120_000;
    this.#lockWaitMs = options.lockWaitMs ?? this.#lockTtlMs;
    this.#chunkSize = options.replayChunkSize ?? 64;
    this.#onPurge = options.onPurge;
    this.#l1.onEvict((entry) =>
      this.#record(
        { teamId: entry.meta.teamId, agentId: entry.meta.agentId, model: entry.meta.model },
        "eviction",
      ),
    );
  }

  /**
   * Serves `request` from the cache or from `compute`, as the same event stream either way.
   * `context.onCacheStatus` is told once, before the first event; `context.signal` detaches this
   * caller (the upstream call stops only when no coalesced caller is left).
   */
  stream(
    request: ModelRequest,
    context: CallContext,
    compute: Compute,
  ): AsyncIterable<ModelStreamEvent> {
    return this.#stream(request, context, compute);
  }

  /** Identical upstream calls currently shared in this process. */
  inFlight(): number {
    return this.#flights.inFlight();
  }

  /**
   * Drops matching entries from this process's L1 and, unless `broadcast` is false (a purge
   * received from another instance), tells onPurge. L2 rows are purged in SQL by the caller.
   */
  purge(filter: PurgeFilter, options: { broadcast?: boolean } = {}): number {
    const olderThan = filter.olderThan?.getTime();
    const removed = this.#l1.purge(
      (meta, key) =>
        (filter.key === undefined || key === filter.key) &&
        (filter.teamId === undefined || meta.teamId === filter.teamId) &&
        (filter.agentId === undefined || meta.agentId === filter.agentId) &&
        (filter.model === undefined || meta.model === filter.model) &&
        (olderThan === undefined || meta.createdAt < olderThan),
    );
    if (options.broadcast !== false) this.#onPurge?.(filter);
    return removed;
  }

  /**
   * An L2 row opened for an admin: its HMAC checked against the row's own tenant and model, its
   * request and response decrypted when encryption is on. `verified: false` means tampered.
   */
  inspect(row: StoredEntry): { verified: boolean; request: unknown; response: unknown } {
    const verified = verify(
      { key: row.key, tenant: row.teamId, model: row.model, response: row.response },
      row.hmac,
      this.#secret,
    );
    const open = (text: string) =>
      row.encrypted && this.#encryptionKey ? decrypt(text, this.#encryptionKey) : text;
    try {
      const stored = row.request as { encrypted?: unknown } | null;
      const request =
        row.encrypted && typeof stored?.encrypted === "string"
          ? JSON.parse(open(stored.encrypted))
          : row.request;
      const response =
        row.encrypted && !this.#encryptionKey ? null : JSON.parse(open(row.response));
      return { verified, request, response };
    } catch {
      return { verified, request: null, response: null };
    }
  }

  /** Writes the L1 hits counted since the last flush to L2 (hit counts and recency). */
  async flushHits(): Promise<void> {
    if (this.#pendingHits.size === 0) return;
    const batch = this.#pendingHits;
    this.#pendingHits = new Map();
    const at = new Date(this.#now());
    await Promise.all(
      [...batch].map(([key, hits]) =>
        this.#l2.touch(key, at, hits).catch((error: unknown) => {
          this.#logger.warn("could not record L1 hits in L2", { key, error: String(error) });
        }),
      ),
    );
  }

  /** Resolves once background writes (L2 puts, touches, deletes, lock releases) have settled. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  async *#stream(
    request: ModelRequest,
    context: CallContext,
    compute: Compute,
  ): AsyncGenerator<ModelStreamEvent, void, undefined> {
    const mode = context.cache?.mode ?? "default";
    const tenant = context.teamId ?? this.#defaultTeamId;
    const tally: CallTally = {
      status: "miss",
      inputTokens: 0,
      outputTokens: 0,
      bytes: 0,
      latencySavedMs: 0,
    };
    try {
      if (mode === "bypass" || tenant === undefined) {
        tally.status = "bypass";
        yield* this.#relay(compute(context.signal ?? new AbortController().signal), context, tally);
        return;
      }
      const key = cacheKey(request, tenant);
      if (mode !== "refresh") {
        const hit = await this.#read(key, tenant, request);
        if (hit !== null) {
          tally.status = hit.status;
          tally.bytes = hit.bytes;
          tally.latencySavedMs = hit.latencyMs;
          yield* this.#relay(
            replayEvents(hit.message, { chunkSize: this.#chunkSize }),
            context,
            tally,
          );
          return;
        }
      }
      // A refresh must reach upstream, so it never shares a flight that may answer from L2.
      const flightKey = mode === "refresh" ? `${key}:refresh` : key;
      const leaderStatus: { value: CacheStatus } = { value: "miss" };
      const { leader, events } = this.#flights.join(
        flightKey,
        (signal) =>
          this.#produce(
            { key, tenant, request, context, compute, refresh: mode === "refresh" },
            signal,
            leaderStatus,
          ),
        { signal: context.signal },
      );
      yield* this.#relay(events, context, tally, () => (leader ? leaderStatus.value : "coalesced"));
    } finally {
      this.#recordCall(tally, tenant ?? "", context.agentId ?? null, request.model);
    }
  }

  /** Passes events through, telling the caller its status just before the first one. */
  async *#relay(
    events: AsyncIterable<ModelStreamEvent> | Iterable<ModelStreamEvent>,
    context: CallContext,
    tally: CallTally,
    status: () => CacheStatus = () => tally.status,
  ): AsyncGenerator<ModelStreamEvent, void, undefined> {
    let reported = false;
    const report = () => {
      if (reported) return;
      reported = true;
      tally.status = status();
      context.onCacheStatus?.(tally.status);
    };
    try {
      for await (const event of events) {
        if (context.signal?.aborted)
          throw new AppError("cancelled", "The model call was cancelled");
        report();
        if (event.type === "message_start") {
          tally.inputTokens = event.message.usage.input_tokens;
          tally.outputTokens = event.message.usage.output_tokens;
        } else if (event.type === "message_delta") {
          tally.inputTokens = event.usage.input_tokens ?? tally.inputTokens;
          tally.outputTokens = event.usage.output_tokens;
        }
        yield event;
      }
    } finally {
      // A call that fails before its first event still learns how it was (not) served.
      report();
    }
  }

  /**
   * The leader's side of a miss: take the cross-instance lock (or wait for its holder and re-read
   * L2), call upstream, tee into a collector, and store the response if, and only if, it completed.
   */
  async *#produce(
    call: {
      key: string;
      tenant: string;
      request: ModelRequest;
      context: CallContext;
      compute: Compute;
      refresh: boolean;
    },
    signal: AbortSignal,
    status: { value: CacheStatus },
  ): AsyncGenerator<ModelStreamEvent, void, undefined> {
    const { key, tenant, request } = call;
    if (!call.refresh) {
      // Double-check L1 now that we lead: this caller's cache read (an L2 round trip, slow under
      // load) may have missed an identical flight that finished and filled L1 before we joined,
      // and computing again would be a second upstream call for the same key.
      const entry = this.#l1.get(key);
      let message: Anthropic.Message | undefined;
      try {
        message = entry === undefined ? undefined : parseResponse(entry.response);
      } catch {
        // Unreadable: #read drops such entries; here just compute as usual.
      }
      if (message !== undefined) {
        status.value = "coalesced";
        yield* replayEvents(message, { chunkSize: this.#chunkSize });
        return;
      }
    }
    let handle = await this.#tryAcquire(key, signal);
    if (handle === null) {
      await this.#waitForHolder(key, signal);
      if (!call.refresh) {
        const hit = await this.#readL2(key, tenant, request);
        if (hit !== null) {
          status.value = "coalesced";
          yield* replayEvents(hit.message, { chunkSize: this.#chunkSize });
          return;
        }
      }
      // The holder failed or lapsed; one more try, then compute regardless rather than queue.
      handle = await this.#tryAcquire(key, signal);
    } else if (handle !== undefined && !call.refresh) {
      // Double-checked under the lock: another instance may have stored the answer and released
      // the lock between our L2 miss and our acquiring it. One primary-key read per miss is far
      // cheaper than a second upstream call.
      const hit = await this.#readL2(key, tenant, request);
      if (hit !== null) {
        await handle.release().catch(() => {});
        status.value = "coalesced";
        yield* replayEvents(hit.message, { chunkSize: this.#chunkSize });
        return;
      }
    }
    let handedOff = false;
    try {
      status.value = "miss";
      const startedAt = this.#now();
      const collector = new ResponseCollector();
      let collectable = true;
      for await (const event of call.compute(signal)) {
        if (collectable) {
          try {
            collector.push(event);
          } catch (error) {
            // A stream we cannot accumulate is still served, just never stored.
            collectable = false;
            this.#logger.warn("response stream could not be accumulated; not caching it", {
              key,
              error: String(error),
            });
          }
        }
        yield event;
      }
      if (collectable && collector.complete) {
        this.#store(call, collector.result(), this.#now() - startedAt, handle);
        handedOff = true;
      }
    } finally {
      if (!handedOff && handle) this.#background(handle.release());
    }
  }

  /** L1 now, L2 (and the lock release) in the background: the caller already has its answer. */
  #store(
    call: { key: string; tenant: string; request: ModelRequest; context: CallContext },
    message: Anthropic.Message,
    latencyMs: number,
    handle: FlightLockHandle | null | undefined,
  ): void {
    const { key, tenant, request, context } = call;
    const response = serializeResponse(message);
    const now = this.#now();
    const ttlSeconds = context.cache?.ttlSeconds ?? this.#defaultTtlSeconds;
    const expiresAt = ttlSeconds > 0 ? now + ttlSeconds * 1000 : null;
    const meta: EntryMeta = {
      teamId: tenant,
      agentId: context.agentId ?? null,
      model: request.model,
      inputTokens: message.usage.input_tokens,
      outputTokens: message.usage.output_tokens,
      latencyMs: Math.round(latencyMs),
      createdAt: now,
      expiresAt,
    };
    this.#l1.set(key, response, meta);

    const write = async () => {
      try {
        const material = cacheKeyMaterial(request);
        const stored = this.#encryptionKey ? encrypt(response, this.#encryptionKey) : response;
        const entry: StoredEntry = {
          key,
          teamId: tenant,
          agentId: meta.agentId,
          model: request.model,
          request: this.#encryptionKey
            ? { encrypted: encrypt(canonicalJson(material), this.#encryptionKey) }
            : material,
          response: stored,
          encrypted: this.#encryptionKey !== undefined,
          hmac: sign({ key, tenant, model: request.model, response: stored }, this.#secret),
          sizeBytes: Buffer.byteLength(stored, "utf8"),
          inputTokens: meta.inputTokens,
          outputTokens: meta.outputTokens,
          latencyMs: meta.latencyMs,
          hitCount: 0,
          createdAt: new Date(now),
          lastHitAt: new Date(now),
          expiresAt: expiresAt === null ? null : new Date(expiresAt),
        };
        await this.#l2.put(entry);
      } catch (error) {
        this.#logger.error("could not write a cache entry to L2", { key, error: String(error) });
      } finally {
        // Released after the put, so waiting instances find the row when they re-read.
        await handle?.release();
      }
    };
    this.#background(write());
  }

  async #read(key: string, tenant: string, request: ModelRequest): Promise<Hit | null> {
    const entry = this.#l1.get(key);
    if (entry !== undefined) {
      try {
        const message = parseResponse(entry.response);
        // L1 hits are counted here and written to L2 in batches (flushHits), so a hot entry
        // costs one UPDATE per interval, not one per hit, and hit counts stay exact.
        this.#pendingHits.set(key, (this.#pendingHits.get(key) ?? 0) + 1);
        if (this.#pendingHits.size >= MAX_PENDING_HIT_KEYS) void this.flushHits();
        return {
          status: "hit-memory",
          message,
          bytes: entry.bytes,
          latencyMs: entry.meta.latencyMs,
        };
      } catch (error) {
        this.#l1.delete(key);
        this.#logger.error("an L1 entry could not be parsed; dropped it", {
          key,
          error: String(error),
        });
      }
    }
    return this.#readL2(key, tenant, request);
  }

  /** L2 lookup with expiry, HMAC and decryption; a hit is promoted to L1. Never throws. */
  async #readL2(key: string, tenant: string, request: ModelRequest): Promise<Hit | null> {
    let row: StoredEntry | null;
    try {
      row = await this.#l2.get(key);
    } catch (error) {
      // An L2 outage degrades to misses; it must not fail model calls.
      this.#logger.error("L2 read failed; treating as a miss", { key, error: String(error) });
      return null;
    }
    if (row === null) return null;
    const now = this.#now();
    if (row.expiresAt !== null && row.expiresAt.getTime() <= now) {
      this.#background(this.#l2.delete(key));
      return null;
    }
    // Verified against what this request expects, not what the row claims: a row copied under
    // another key, tenant or model fails here.
    if (
      !verify({ key, tenant, model: request.model, response: row.response }, row.hmac, this.#secret)
    ) {
      this.#logger.warn("L2 entry failed its HMAC check; deleted it and treating as a miss", {
        key,
        teamId: tenant,
        model: request.model,
      });
      this.#record({ teamId: tenant, agentId: row.agentId, model: request.model }, "tampered");
      try {
        await this.#l2.delete(key);
      } catch (error) {
        this.#logger.error("could not delete a tampered L2 entry", { key, error: String(error) });
      }
      return null;
    }
    let plaintext = row.response;
    try {
      if (row.encrypted) {
        // Authentic but unreadable means the encryption key changed: a miss, and the recomputed
        // answer overwrites the row.
        if (this.#encryptionKey === undefined)
          throw new Error("entry is encrypted but no encryption key is set");
        plaintext = decrypt(row.response, this.#encryptionKey);
      }
      const message = parseResponse(plaintext);
      this.#l1.set(key, plaintext, {
        teamId: row.teamId,
        agentId: row.agentId,
        model: row.model,
        inputTokens: row.inputTokens,
        outputTokens: row.outputTokens,
        latencyMs: row.latencyMs,
        createdAt: row.createdAt.getTime(),
        expiresAt: row.expiresAt?.getTime() ?? null,
      });
      this.#background(this.#l2.touch(key, new Date(now)));
      return {
        status: "hit-db",
        message,
        bytes: Buffer.byteLength(plaintext, "utf8"),
        latencyMs: row.latencyMs,
      };
    } catch (error) {
      this.#logger.error("an authentic L2 entry could not be read; treating as a miss", {
        key,
        error: error instanceof Error ? error.message : String(error),
      });
      return null;
    }
  }

  /** The lock handle; null when another instance holds it; undefined when the lock is down. */
  async #tryAcquire(
    key: string,
    signal: AbortSignal,
  ): Promise<FlightLockHandle | null | undefined> {
    try {
      return await this.#lock.acquire(key, { ttlMs: this.#lockTtlMs, signal });
    } catch (error) {
      signal.throwIfAborted();
      // A lock outage costs duplicate upstream calls, never failed ones.
      this.#logger.error("flight lock unavailable; computing without it", {
        key,
        error: String(error),
      });
      return undefined;
    }
  }

  async #waitForHolder(key: string, signal: AbortSignal): Promise<void> {
    try {
      await this.#lock.waitForRelease(key, { signal, timeoutMs: this.#lockWaitMs });
    } catch (error) {
      signal.throwIfAborted();
      this.#logger.error("waiting for the flight lock failed; computing without it", {
        key,
        error: String(error),
      });
    }
  }

  #recordCall(tally: CallTally, teamId: string, agentId: string | null, model: string): void {
    const saved = SAVING.has(tally.status);
    this.#record({ teamId, agentId, model }, tally.status, {
      bytes: saved ? tally.bytes : undefined,
      inputTokens: saved ? tally.inputTokens : undefined,
      outputTokens: saved ? tally.outputTokens : undefined,
      costUsd: saved ? estimateCostUsd(model, tally.inputTokens, tally.outputTokens) : undefined,
      latencySavedMs: saved ? tally.latencySavedMs : undefined,
    });
  }

  #record(
    who: { teamId: string; agentId: string | null; model: string },
    outcome: CacheOutcome,
    amounts: {
      bytes?: number;
      inputTokens?: number;
      outputTokens?: number;
      costUsd?: number;
      latencySavedMs?: number;
    } = {},
  ): void {
    if (this.#stats === undefined) return;
    try {
      this.#stats.record({ ...who, outcome, ...amounts, at: new Date(this.#now()) });
    } catch (error) {
      this.#logger.error("stats sink failed", { error: String(error) });
    }
  }

  #background(task: Promise<unknown>): void {
    const tracked = task.catch((error: unknown) =>
      this.#logger.error("background cache task failed", { error: String(error) }),
    );
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }
}
