/**
 * The response cache: keys, L1 memory LRU, L2 store interface, integrity, single-flight, replay,
 * stats. Server-only (it handles CACHE_HMAC_SECRET); import from "@/lib/cache".
 */
import "server-only";

export { cacheKey, cacheKeyMaterial, canonicalJson } from "./cache-key";
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
export { createCachedCaller } from "./cached-caller";
export {
  collectResponse,
  parseResponse,
  replayEvents,
  ResponseCollector,
  serializeResponse,
} from "./cached-response";
export type { CachedResponse, ReplayOptions } from "./cached-response";
export { createLocalFlightLock } from "./cross-instance-lock";
export type {
  AcquireOptions,
  FlightLock,
  FlightLockHandle,
  WaitOptions,
} from "./cross-instance-lock";
export {
  assertStrongSecret,
  decrypt,
  deriveEncryptionKey,
  encrypt,
  sign,
  verify,
} from "./integrity";
export type { Secret, SignedFields } from "./integrity";
export type { L2Store, StoredEntry } from "./l2-store";
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
export type {
  EntrySummary,
  EvictedEntry,
  ListQuery,
  ListResult,
  ListSort,
  PrismaL2Store,
  PrismaL2StoreOptions,
  StoreTotals,
} from "./prisma-l2-store";
export { createPurgeBus } from "./purge-bus";
export type { PurgeBus, PurgeBusOptions, PurgeHandler } from "./purge-bus";
export { createRedisFlightLock } from "./redis-flight-lock";
export type { RedisFlightLockOptions } from "./redis-flight-lock";
export { ResponseCache } from "./response-cache";
export type { CacheLogger, Compute, PurgeFilter, ResponseCacheOptions } from "./response-cache";
export { createSingleFlight, toFlightError } from "./single-flight";
export type {
  JoinOptions,
  Participation,
  SingleFlight,
  SingleFlightOptions,
} from "./single-flight";
export {
  createStatsFlusher,
  getCacheBreakdown,
  getCacheSeries,
  getCacheTotals,
} from "./stats-store";
export type {
  CacheBreakdownRow,
  CacheSeriesPoint,
  CacheTotals,
  SeriesBucket,
  StatsFlusher,
  StatsFlusherOptions,
} from "./stats-store";
