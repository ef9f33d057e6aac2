import "server-only";
import type { Redis } from "ioredis";
import path from "node:path";
import {
  API_KEY_REVOKED_CHANNEL,
  type ApiKeyCache,
  createApiKeyCache,
} from "@/lib/auth/api-key-cache";
import { createCachedCaller, sendStreaming } from "@/lib/cache";
import { type GatewayUpstream, createGatewayUpstream } from "@/lib/gateway/gateway-upstream";
import { type AuthFailureGuard, createAuthFailureGuard } from "@/lib/auth/auth-failures";
import { type GatewayAuthenticator, createGatewayAuth } from "@/lib/gateway/gateway-auth";
import { buildWarmJobs } from "./warm-picks";
import type { WarmJobs } from "@/lib/cache-admin/warm-jobs";
import type { Env } from "@/lib/config";
import { type Database, openDatabase } from "@/lib/db";
import { type RequestLog, createRequestLog } from "@/lib/gateway/request-log";
import type { ModelCaller } from "@/lib/llm/types";
import { type Logger, logger } from "@/lib/log";
import { type StreamQuota, createStreamQuota } from "@/lib/http/stream-quota";
import type { Metrics } from "@/lib/metrics/registry";
import { type Semaphore, createBreakerRegistry, createSemaphore } from "@/lib/orchestrator";
import { createRedisClient } from "@/lib/redis";
import { type PubSub, createMemoryPubSub, createRedisPubSub } from "@/lib/redis/pubsub";
import type { RunRuntime } from "@/lib/runs/runtime-types";
import { type CloseStack, createCloseStack } from "./close-stack";
import { guardRawUpstream } from "./guarded-upstream";
import { budgetedRawCaller, buildBudgetGuard } from "./budgets";
import type { BudgetGuard } from "@/lib/budgets";
import { scheduleRetentionSweep } from "./retention-sweep";
import { cacheOutcomeRecorder, createRuntimeMetrics, timedSemaphore } from "./observed-parts";
import { type ProviderHandle, createModelProvider } from "./model-provider";
import { buildRuns } from "./run-runtime";
import { buildSend } from "./outbound";
import { type RateLimiters, createConfiguredRateLimiters } from "./rate-limiters";
import { type CacheServices, createCacheServices } from "./response-cache";

/** The API-key lookup cache, with revocation that reaches every instance. */
export interface ApiKeys extends ApiKeyCache {
  /** Forgets a revoked key here at once, and on every other instance through pub/sub. */
  revoked(id: string): Promise<void>;
  /** This process's record of addresses failing to authenticate (the key-guessing 429). */
  failures: AuthFailureGuard;
}

/**
 * Everything a server process builds once. Routes never see this whole object: they ask
 * lib/runtime's accessors for the one service they need. Tests and benchmarks read it whole.
 */
export interface Runtime {
  config: Env;
  /** When this process's runtime was built (epoch ms), for uptime. */
  startedAt: number;
  db: Database;
  /** The Redis client when REDIS_URL is set (rate limits, locks, run events, pub/sub). */
  redis: Redis | null;
  providerHandle: ProviderHandle;
  cacheServices: CacheServices;
  pubsub: PubSub;
  /** What executing runs needs: the caller, semaphore, breakers, event log, active runs. */
  runs: RunRuntime;
  /**
   * The gateway's caller: the same cache and single-flight as runs; only calls that reach the
   * upstream take a permit of the process-wide semaphore (a cache hit takes none).
   */
  gatewayCaller: ModelCaller;
  /** The gateway's forwarder: its own upstream pool, first-byte and idle timeouts. */
  gatewayUpstream: GatewayUpstream;
  /** The gateway's authentication (Ensemble keys; clients' own credentials where a team allows). */
  gatewayAuth: GatewayAuthenticator;
  rateLimiters: RateLimiters;
  apiKeys: ApiKeys;
  requestLog: RequestLog;
  warmJobs: WarmJobs;
  /** Caps the run-event streams a principal and a team hold open in this process. */
  streamQuota: StreamQuota;
  /** Budgets: reserve before each upstream call, settle after (lib/budgets). */
  budgets: BudgetGuard;
  /** This process's Prometheus registry and instruments (GET /api/metrics). */
  metrics: Metrics;
  /** Set once shutdown begins: health answers 503 `draining` from then on. */
  lifecycle: { draining: boolean };
  /** Stops everything above in the reverse of the order it was built. */
  close(): Promise<void>;
}

/**
 * Builds the runtime in dependency order, registering how to stop each part as soon as it exists,
 * so that a failure half-way (the database is down) stops what was already started.
 */
export async function createRuntime(config: Env): Promise<Runtime> {
  const log = logger.child("runtime");
  const stack = createCloseStack(log);
  try {
    return await build(config, stack, log);
  } catch (error) {
    await stack.close().catch(() => {});
    throw error;
  }
}

async function build(config: Env, stack: CloseStack, log: Logger): Promise<Runtime> {
  const startedAt = Date.now();
  const { redis, db } = await openStores(config, stack);

  const providerHandle = await openProvider(config, stack, log);
  // Built before the services it observes; its gauges read them only at scrape time.
  const metrics = createRuntimeMetrics(() => ({
    runs,
    gatewayPool: gateway.pool,
    streamQuota,
    cacheServices,
    requestLog,
  }));
  // Every model call, the runs' and the gateway's, is counted and timed here.
  const send = buildSend(config, redis, providerHandle.provider.send, metrics, log);
  const pubsub = redis ? createRedisPubSub(redis) : createMemoryPubSub();
  stack.defer("pub/sub", () => pubsub.close());
  const cacheServices = await createCacheServices({
    config,
    db,
    redis,
    log,
    onOutcome: cacheOutcomeRecorder(metrics),
    onLockWait: (s) => metrics.flightLockWait.observe(s),
  });
  stack.defer("response cache", () => cacheServices.close());
  const apiKeys = await buildApiKeys(config, pubsub, stack);
  const budgets = buildBudgetGuard({ config, db, redis, flushCosts: () => requestLog.flush() });
  stack.defer("budgets", () => budgets.idle());
  const { breakers, runCaller } = buildRunCaller(config, send, cacheServices, budgets);
  const runs = await buildRuns({
    config,
    db,
    redis,
    pubsub,
    caller: runCaller,
    breakers,
    stack,
    log,
    metrics,
  });

  const gateway = buildGatewayCallers(config, send, cacheServices, metrics, budgets);
  const { gatewayUpstream, gatewayCaller } = gateway;
  const streamQuota = createStreamQuota({
    perPrincipal: config.SSE_STREAMS_PER_PRINCIPAL,
    perTeam: config.SSE_STREAMS_PER_TEAM,
  });
  scheduleRetentionSweep(config, db, metrics, stack);
  const requestLog = createRequestLog({ db, log: logger.child("gateway") });
  stack.defer("gateway request log", () => requestLog.close());
  const warmJobs = buildWarmJobs({ db, caller: gatewayCaller, cacheServices, requestLog, stack });

  return {
    config,
    startedAt,
    db,
    redis,
    providerHandle,
    cacheServices,
    pubsub,
    runs,
    gatewayCaller,
    gatewayUpstream,
    gatewayAuth: createGatewayAuth({
      prisma: db.prisma,
      auth: { keys: apiKeys, failures: apiKeys.failures },
    }),
    rateLimiters: createConfiguredRateLimiters({ config, redis, log: logger.child("ratelimit") }),
    apiKeys,
    requestLog,
    warmJobs,
    streamQuota,
    budgets,
    metrics,
    lifecycle: { draining: false },
    close: () => stack.close(),
  };
}

/** The model provider (the simulator without ANTHROPIC_API_KEY), saying which it is. */
async function openProvider(config: Env, stack: CloseStack, log: Logger) {
  const providerHandle = await createModelProvider(config);
  stack.defer("model provider", () => providerHandle.close());
  log.info(
    providerHandle.provider.kind === "simulator"
      ? `models: the built-in simulator at ${providerHandle.baseURL} (set ANTHROPIC_API_KEY to use Claude)`
      : `models: Anthropic API at ${providerHandle.baseURL}`,
  );
  return providerHandle;
}

/** Redis (when configured) and the database, each stopped by the stack. */
async function openStores(
  config: Env,
  stack: CloseStack,
): Promise<{ redis: Redis | null; db: Database }> {
  const redis = config.REDIS_URL
    ? createRedisClient(config.REDIS_URL, logger.child("redis"), {
        commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS,
        cooldownMs: config.REDIS_BREAKER_COOLDOWN_MS,
      })
    : null;
  if (redis) stack.defer("redis", () => redis.disconnect());
  const dbLog = logger.child("db");
  const db = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    pgliteDir: path.resolve(config.DATA_DIR, "pglite"),
    log: (message) => dbLog.info(message),
  });
  stack.defer("database", () => db.close());
  return { redis, db };
}

/** The runs' model caller: the response cache in front of the raw upstream and its breakers. */
function buildRunCaller(
  config: Env,
  send: ProviderHandle["provider"]["send"],
  cacheServices: CacheServices,
  budgets: BudgetGuard,
): { breakers: RunRuntime["breakers"]; runCaller: ModelCaller } {
  // Runs take their upstream permits in the orchestrator (it holds them across retries' waits).
  // The breakers sit behind the cache: an open circuit still serves cached answers, and a hit
  // neither opens nor closes one.
  const breakers = createBreakerRegistry({
    failureThreshold: config.BREAKER_FAILURE_THRESHOLD,
    cooldownMs: config.BREAKER_COOLDOWN_MS,
  });
  const runCaller = createCachedCaller(
    cacheServices.cache,
    budgetedRawCaller(guardRawUpstream(sendStreaming(send), breakers), budgets),
  );
  return { breakers, runCaller };
}

/** The gateway's forwarder and the cached caller that cache warming uses. */
function buildGatewayCallers(
  config: Env,
  send: ProviderHandle["provider"]["send"],
  cacheServices: CacheServices,
  metrics: Metrics,
  budgets: BudgetGuard,
): { pool: Semaphore; gatewayUpstream: GatewayUpstream; gatewayCaller: ModelCaller } {
  // The gateway's own upstream pool, apart from the runs' (one cannot starve the other).
  const pool = createSemaphore(config.GATEWAY_MAX_CONCURRENCY);
  const gatewayUpstream = createGatewayUpstream({
    send,
    pool: timedSemaphore(
      pool,
      (s) => metrics.semaphoreWait.observe({ pool: "gateway" }, s),
      "gateway",
    ),
    maxConcurrency: config.GATEWAY_MAX_CONCURRENCY,
    firstByteTimeoutMs: config.GATEWAY_FIRST_BYTE_TIMEOUT_MS,
    idleTimeoutMs: config.GATEWAY_IDLE_TIMEOUT_MS,
    totalTimeoutMs: config.GATEWAY_TOTAL_TIMEOUT_MS,
    outboundMaxWaitMs: config.OUTBOUND_GATEWAY_MAX_WAIT_MS,
  });
  // Cache warming goes through the gateway's pool, storing the upstream's frames as it does.
  const gatewayCaller = createCachedCaller(
    cacheServices.cache,
    budgetedRawCaller(
      sendStreaming((raw, { signal }) =>
        gatewayUpstream(raw, signal ?? new AbortController().signal),
      ),
      budgets,
    ),
  );
  return { pool, gatewayUpstream, gatewayCaller };
}

async function buildApiKeys(config: Env, pubsub: PubSub, stack: CloseStack): Promise<ApiKeys> {
  const cache = createApiKeyCache({
    ttlMs: config.API_KEY_CACHE_TTL_MS,
    staleMs: config.API_KEY_STALE_MS,
  });
  const unsubscribe = await pubsub.subscribe(API_KEY_REVOKED_CHANNEL, (id) => cache.forget(id));
  stack.defer("api-key revocations", unsubscribe);
  return {
    ...cache,
    failures: createAuthFailureGuard(),
    async revoked(id) {
      cache.forget(id);
      // The revocation is committed: with Redis down, other instances drop the key at their
      // cache's TTL instead of at once, which is no reason to fail the request.
      await pubsub.publish(API_KEY_REVOKED_CHANNEL, id).catch((error: unknown) => {
        logger.child("auth").warn(`revocation not fanned out: ${(error as Error).message}`);
      });
    },
  };
}
