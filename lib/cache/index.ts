/**
 * The response cache's hot path: keys, policy, L1, L2 reads and writes, integrity, single-flight,
 * replay, batched stats writes. What admin screens read and do is in lib/cache-admin. Server-only (it handles CACHE_HMAC_SECRET); import from "@/lib/cache".
 */
import "server-only";

export { cacheKey, cacheKeyMaterial, canonicalJson, normalizeBeta } from "./cache-key";
export { shouldCache } from "./cache-policy";
export { createStatsAggregator } from "./cache-stats";
export type {
  CacheOutcome,
  CacheStatEvent,
  StatBucket,
  StatsAggregator,
  StatsAggregatorOptions,
  StatsSink,
} from "./cache-stats";
export { createCachedCaller, sendStreaming } from "./cached-caller";
export type { RawCaller } from "./cached-caller";
export { answerEvents } from "./answer-events";
export { replayEvents } from "./cached-response";
export type { ReplayOptions } from "./cached-response";
export { accumulate, encodeEvents, replayBody } from "./replay";
export {
  decodeStored,
  encodeStored,
  freshMessageId,
  locateMessageId,
  withFreshId,
} from "./stored-response";
export type { BodyFormat, StoredResponse } from "./stored-response";
export { bodyTexts, contentTypeOf, isEventStream, responseFromEvents } from "./upstream-response";
export type { CachedAnswer, Upstream, UpstreamResponse } from "./upstream-response";
export type { KeyScope } from "./cache-key";
export { purgeMemory } from "./purge-filter";
export type { PurgeFilter } from "./purge-filter";
export { attemptLock } from "./cross-instance-lock";
export type { LockAttempt } from "./cross-instance-lock";
export type { CacheLogger } from "./entry-store";
export { createLocalFlightLock } from "./cross-instance-lock";
export type {
  AcquireOptions,
  FlightLock,
  FlightLockHandle,
  WaitOptions,
} from "./cross-instance-lock";
export {
  assertStrongSecret,
  checkSignature,
  decrypt,
  deriveEncryptionKey,
  encrypt,
  sign,
  verify,
} from "./integrity";
export type { Secret, SignatureCheck, SignedFields } from "./integrity";
export type { L2Store, ServedEntry, StoredEntry } from "./l2-store";
export { createMemoryCache, MemoryCache } from "./memory-cache";
export type {
  EntryMeta,
  EvictionListener,
  MemoryCacheOptions,
  MemoryCacheStats,
  MemoryEntry,
} from "./memory-cache";
export { estimateCostUsd, FALLBACK_PRICE, MODEL_PRICES, priceFor } from "./pricing";
export type { ModelPrice } from "./pricing";
export { createPostgresFlightLock } from "./postgres-flight-lock";
export type {
  LockConnection,
  LockConnectionSource,
  PostgresFlightLockOptions,
} from "./postgres-flight-lock";
export { createPrismaL2Store } from "./prisma-l2-store";
export type { EvictedEntry, PrismaL2Store, PrismaL2StoreOptions } from "./prisma-l2-store";
export { createPurgeBus } from "./purge-bus";
export type { PurgeBus, PurgeBusOptions, PurgeHandler } from "./purge-bus";
export { createRedisFlightLock } from "./redis-flight-lock";
export type { RedisFlightLockOptions } from "./redis-flight-lock";
export { ResponseCache } from "./response-cache";
export type { CacheCall, ResponseCacheOptions } from "./response-cache";
export { createSingleFlight, toFlightError } from "./single-flight";
export type {
  JoinOptions,
  Participation,
  SingleFlight,
  SingleFlightOptions,
} from "./single-flight";
export { createStatsFlusher } from "./stats-store";
export type { StatsFlusher, StatsFlusherOptions } from "./stats-store";
