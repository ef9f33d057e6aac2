import type { StatsSink } from "./cache-stats";
import type { FlightLock } from "./cross-instance-lock";
import type { CacheLogger } from "./entry-store";
import type { Secret } from "./integrity";
import type { L2Store } from "./l2-store";
import type { MemoryCache } from "./memory-cache";

/** How the process's ResponseCache is built (lib/runtime builds the one the app uses). */
export interface ResponseCacheOptions {
  /** L1: this process's byte-bounded LRU. */
  l1: MemoryCache;
  /** L2: the shared store (Postgres in production). */
  l2: L2Store;
  /** HMAC key for L2 rows; validate it with assertStrongSecret where config is read. */
  secret: Secret;
  /** 32-byte AES-256-GCM key; when set, L2 rows are encrypted at rest. @default undefined */
  encryptionKey?: Uint8Array;
  /**
   * Cross-instance single-flight lock. Only a shared deployment needs one: one process already
   * coalesces in memory, and a lock there would cost a round trip per miss.
   * @default undefined (no cross-instance lock)
   */
  lock?: FlightLock;
  /** @default undefined (no statistics) */
  stats?: StatsSink;
  /** Entry lifetime when the call sets none; 0 or less means no expiry. */
  defaultTtlSeconds: number;
  /** Clock in epoch milliseconds. @default Date.now */
  now?: () => number;
  /** @default console, prefixed "[cache]" */
  logger?: CacheLogger;
  /**
   * The cross-instance lock's lease: a leader renews it while it works, so a crashed leader's
   * lock frees within this long. @default 10000
   */
  lockLeaseMs?: number;
  /** How often a leader renews its lease. @default 3000 */
  lockRenewMs?: number;
  /**
   * How long a waiting instance waits for a live holder before computing itself (a long answer
   * keeps its lease for as long as it streams). @default 120000
   */
  lockWaitMs?: number;
  /** Told how long each wait on another instance's lock took (metrics, traces). */
  onLockWait?: (ms: number) => void;
  /**
   * How long an L2 write waits to share its statement with others. Waiting instances re-read L2
   * once the holder's row is written, so with a cross-instance lock keep it short.
   * @default 10 with a lock, else 100
   */
  writeDelayMs?: number;
  /** Unwritten L2 rows kept at most; older ones are dropped and counted. @default 1000 */
  maxPendingWrites?: number;
}

/** One call through the cache. */
export interface CacheCall {
  /** See cacheKey. */
  key: string;
  tenant: string;
  model: string;
  agentId: string | null;
  /** What the caller wants back; the flight is shared only with callers wanting the same. */
  format: "sse" | "json";
  /** default: read and write; refresh: skip the read, write; bypass: neither. */
  mode: "default" | "refresh" | "bypass";
  ttlSeconds?: number;
  /** A warm-up fill: recorded in no hit/miss statistic. */
  warm?: boolean;
  /** The request as admin screens show it; computed only when an entry is written. */
  material: () => unknown;
  /** Detaches this caller (the upstream call stops when no coalesced caller is left). */
  signal?: AbortSignal;
}
