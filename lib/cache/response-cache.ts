import "server-only";
import type { CacheStatus } from "@/lib/llm/types";
import { AnswerRecorder } from "./answer-recorder";
import type { CacheCall, ResponseCacheOptions } from "./cache-call";
import { attemptLock } from "./cross-instance-lock";
import { type CacheLogger, EntryStore, type Found } from "./entry-store";
import type { L2WriteStats } from "./l2-writer";
import { type PurgeFilter, purgeMemory } from "./purge-filter";
import { replayBody } from "./replay";
import { createSingleFlight, type SingleFlight } from "./single-flight";
import { replaceFirstId } from "./stored-response";
import { createStatsRecorder, type StatsRecorder } from "./stats-recorder";
import {
  bodyTexts,
  type CachedAnswer,
  live,
  once,
  storable,
  tokensOf,
  type Upstream,
} from "./upstream-response";

export type { CacheCall, ResponseCacheOptions } from "./cache-call";

/** What coalesced callers share: the upstream's head, then its body, then the stored usage. */
type FlightItem =
  | {
      kind: "head";
      status: number;
      headers: Headers | null;
      /** A stored answer, not the upstream's: how it was found (hit-db, or another instance's). */
      replayed: false | "hit-db" | "coalesced";
      sourceId?: string;
    }
  | { kind: "text"; text: string }
  | { kind: "end"; found: Found };

/** Whom a call's statistics are counted for. */
const whoOf = (call: CacheCall) => ({
  teamId: call.tenant,
  agentId: call.agentId,
  model: call.model,
  warm: call.warm,
});

const consoleLogger: CacheLogger = {
  warn: (message, fields) => console.warn(`[cache] ${message}`, fields ?? {}),
  error: (message, fields) => console.error(`[cache] ${message}`, fields ?? {}),
};

/**
 * The response cache in the path of every model call: key → L1 → L2 (HMAC-verified) → single
 * flight (in process, then across instances) → upstream. What is stored is what the upstream
 * sent; a hit replays it with a fresh message id.
 */
export class ResponseCache {
  readonly #o: ResponseCacheOptions;
  readonly #now: () => number;
  readonly #logger: CacheLogger;
  readonly #entries: EntryStore;
  readonly #stats: StatsRecorder;
  readonly #flights: SingleFlight<FlightItem> = createSingleFlight();

  constructor(options: ResponseCacheOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? consoleLogger;
    this.#stats = createStatsRecorder(options.stats, this.#now, this.#logger);
    this.#entries = new EntryStore({
      ...options,
      writeDelayMs: options.writeDelayMs ?? (options.lock ? 10 : 100),
      now: this.#now,
      logger: this.#logger,
    });
    options.l1.onEvict(({ meta }) => this.#stats.event(meta, "eviction"));
  }

  /** Serves a call from L1, L2, a shared flight or the upstream. Rejects only before any answer. */
  async fetch(call: CacheCall, upstream: Upstream): Promise<CachedAnswer> {
    const who = whoOf(call);
    if (call.mode === "bypass") {
      this.#stats.event(who, "bypass");
      const response = await upstream(call.signal ?? new AbortController().signal);
      return live("bypass", response, call.format, bodyTexts(response));
    }
    if (call.mode !== "refresh") {
      const memory = this.#entries.readMemory(call.key);
      if (memory !== null) return this.#hit("hit-memory", memory, call);
      // With a cross-instance lock, L2 is read once, under the lock (#produce): a miss then
      // makes one L2 read before its upstream call, not one here and another after the lock.
      if (!this.#o.lock) {
        const db = await this.#entries.readDb(call.key, call.tenant, call.model);
        if (db.kind === "found") return this.#hit("hit-db", db.found, call);
        if (db.kind === "tampered") this.#stats.event(who, "tampered");
      }
    }
    // A refresh must reach upstream, so it never shares a flight that may answer from a store.
    const flightKey = `${call.key}:${call.format}${call.mode === "refresh" ? ":refresh" : ""}`;
    const { leader, events } = this.#flights.join(
      flightKey,
      (signal) => this.#produce(call, upstream, signal),
      { signal: call.signal },
    );
    const items = events[Symbol.asyncIterator]();
    let first: IteratorResult<FlightItem>;
    try {
      first = await items.next();
    } catch (error) {
      this.#stats.event(who, leader ? "miss" : "coalesced");
      throw error;
    }
    const head = first.value as Extract<FlightItem, { kind: "head" }>;
    const status: CacheStatus = head.replayed || (leader ? "miss" : "coalesced");
    const seen: { found?: Found } = {};
    return {
      status,
      httpStatus: head.status,
      headers: head.headers,
      format: call.format,
      ...(head.sourceId ? { sourceId: head.sourceId } : {}),
      usage: () => seen.found && tokensOf(seen.found),
      body: this.#relay(items, status, head.status === 200 && status !== "miss", who, seen),
    };
  }

  /** Identical upstream calls currently shared in this process. */
  inFlight(): number {
    return this.#flights.inFlight();
  }

  /** Drops matching entries from this process's L1; L2 rows are purged by the admin service. */
  purge(filter: PurgeFilter): number {
    return purgeMemory(this.#o.l1, filter);
  }

  /** The L2 writer's counters: rows written, dropped for backlog, refused, waiting. */
  writeStats(): L2WriteStats {
    return this.#entries.writeStats();
  }

  /** Writes the L1 hits counted since the last flush to L2. */
  flushHits(): Promise<void> {
    return this.#entries.flushHits();
  }

  /** Resolves once background writes (L2 puts, counted hits, deletes, lock releases) have settled. */
  idle(): Promise<void> {
    return this.#entries.idle();
  }

  async #hit(
    status: "hit-memory" | "hit-db",
    found: Found,
    call: CacheCall,
  ): Promise<CachedAnswer> {
    const { text, sourceId } = await replayBody(found.stored, call.format);
    this.#stats.saved(whoOf(call), status, found);
    return {
      status,
      httpStatus: 200,
      headers: null,
      format: call.format,
      sourceId,
      usage: () => tokensOf(found),
      body: once(text),
    };
  }

  /** A participant's body: texts with a fresh message id unless it is the miss itself. */
  async *#relay(
    items: AsyncIterator<FlightItem>,
    status: CacheStatus,
    freshId: boolean,
    who: { teamId: string; agentId: string | null; model: string; warm?: boolean },
    seen: { found?: Found },
  ): AsyncGenerator<string, void> {
    let pendingId = freshId;
    try {
      for (let next = await items.next(); !next.done; next = await items.next()) {
        const item = next.value;
        if (item.kind === "end") seen.found = item.found;
        if (item.kind !== "text") continue;
        if (!pendingId) {
          yield item.text;
          continue;
        }
        const fresh = replaceFirstId(item.text);
        pendingId = fresh === null;
        yield fresh ?? item.text;
      }
    } finally {
      await items.return?.();
      if ((status === "coalesced" || status === "hit-db") && seen.found) {
        this.#stats.saved(who, status, seen.found);
      } else this.#stats.event(who, status);
    }
  }

  /**
   * The leader's side of a miss: re-check L1, take the cross-instance lock when there is one (or
   * wait for its holder and read L2), call upstream, tee the body, store it if it completed.
   */
  async *#produce(
    call: CacheCall,
    upstream: Upstream,
    signal: AbortSignal,
  ): AsyncGenerator<FlightItem, void, undefined> {
    // This caller's L2 read may have missed a flight that finished and filled L1 meanwhile.
    const memory = call.mode === "refresh" ? null : this.#entries.readMemory(call.key, false);
    if (memory !== null) return yield* this.#replayed(memory, call, "coalesced");
    const lock = this.#o.lock;
    const attempt = lock
      ? await attemptLock(lock, call.key, {
          ttlMs: this.#o.lockLeaseMs ?? 10_000,
          renewEveryMs: this.#o.lockRenewMs ?? 3_000,
          signal,
        })
      : undefined;
    if (attempt?.kind === "unavailable") {
      this.#logger.error("flight lock unavailable; computing without it", {
        key: call.key,
        error: String(attempt.error),
      });
    }
    if (attempt?.kind === "held" && lock) {
      const waitedFrom = this.#now();
      await lock
        .waitForRelease(call.key, { signal, timeoutMs: this.#o.lockWaitMs ?? 120_000 })
        .catch(() => signal.throwIfAborted())
        .finally(() => this.#o.onLockWait?.(this.#now() - waitedFrom));
    }
    if (lock && call.mode !== "refresh") {
      // The one L2 read: under the lock, so an answer another instance stored before releasing
      // it is found here (after a wait on its holder, that answer is this call's, shared).
      const db = await this.#entries.readDb(call.key, call.tenant, call.model);
      if (db.kind === "found") {
        if (attempt?.kind === "acquired") this.#entries.background(attempt.release());
        const how = attempt?.kind === "held" ? "coalesced" : "hit-db";
        return yield* this.#replayed(db.found, call, how);
      }
      if (db.kind === "tampered") this.#stats.event(whoOf(call), "tampered");
    }
    const release = attempt?.kind === "acquired" ? attempt.release : undefined;
    yield* this.#callUpstream(call, upstream, signal, release);
  }

  async *#callUpstream(
    call: CacheCall,
    upstream: Upstream,
    signal: AbortSignal,
    release: (() => Promise<void>) | undefined,
  ): AsyncGenerator<FlightItem, void, undefined> {
    let handedOff = false;
    try {
      const startedAt = this.#now();
      const response = await upstream(signal);
      yield { kind: "head", status: response.status, headers: response.headers, replayed: false };
      const recorder = storable(response, call.format) ? new AnswerRecorder(call.format) : null;
      for await (const text of bodyTexts(response)) {
        recorder?.push(text);
        yield { kind: "text", text };
      }
      const stored = recorder?.finish();
      if (stored) {
        const latencyMs = this.#now() - startedAt;
        this.#entries.write(stored, {
          ...call,
          latencyMs,
          ttlSeconds: call.ttlSeconds ?? this.#o.defaultTtlSeconds,
          after: release,
        });
        handedOff = true;
        yield { kind: "end", found: { stored, bytes: stored.body.length, latencyMs } };
      }
    } finally {
      if (!handedOff && release) this.#entries.background(release());
    }
  }

  async *#replayed(
    found: Found,
    call: CacheCall,
    how: "hit-db" | "coalesced",
  ): AsyncGenerator<FlightItem, void, undefined> {
    const { text, sourceId } = await replayBody(found.stored, call.format);
    yield { kind: "head", status: 200, headers: null, replayed: how, sourceId };
    yield { kind: "text", text };
    yield { kind: "end", found };
  }
}
