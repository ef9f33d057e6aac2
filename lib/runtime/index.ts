import "server-only";
import { randomUUID } from "node:crypto";
import { API_KEY_REVOKED_CHANNEL, forgetApiKey } from "@/lib/auth/api-key-cache";
import { createCachedCaller } from "@/lib/cache";
import { flushGatewayLog } from "@/lib/gateway/request-log";
import { getConfig } from "@/lib/config";
import { type Database, getDb } from "@/lib/db";
import { logger } from "@/lib/log";
import { createBreakerRegistry, createSemaphore } from "@/lib/orchestrator";
import { getRedis } from "@/lib/redis";
import { type PubSub, createMemoryPubSub, createRedisPubSub } from "@/lib/redis/pubsub";
import { createActiveRuns } from "@/lib/runs/active-runs";
import { createMemoryEventLog } from "@/lib/runs/memory-event-log";
import { heartbeatRuns, markStaleRunsInterrupted } from "@/lib/runs/recover-runs";
import { createRedisEventLog } from "@/lib/runs/redis-event-log";
import type { ModelCaller } from "@/lib/llm/types";
import type { RunRuntime } from "@/lib/runs/runtime-types";
import { type ProviderHandle, createModelProvider } from "./model-provider";
import { type CacheServices, createCacheServices } from "./response-cache";

/** Everything a server process builds once: the model provider, the cache, the run machinery. */
export interface Runtime extends RunRuntime {
  db: Database;
  providerHandle: ProviderHandle;
  cacheServices: CacheServices;
  pubsub: PubSub;
  /**
   * The gateway's caller: the same cache and single-flight as runs; only calls that reach the
   * upstream take a permit of the process-wide semaphore (a cache hit takes none).
   */
  gatewayCaller: ModelCaller;
  close(): Promise<void>;
}

const globalForRuntime = globalThis as unknown as { ensembleRuntime?: Promise<Runtime> };

export function getRuntime(): Promise<Runtime> {
  globalForRuntime.ensembleRuntime ??= createRuntime().catch((error: unknown) => {
    globalForRuntime.ensembleRuntime = undefined;
    throw error;
  });
  return globalForRuntime.ensembleRuntime;
}

async function createRuntime(): Promise<Runtime> {
  const config = getConfig();
  const log = logger.child("runtime");
  const db = await getDb();
  const redis = getRedis();
  const instanceId = randomUUID();

  const providerHandle = await createModelProvider(config);
  log.info(
    providerHandle.provider.kind === "simulator"
      ? `models: the built-in simulator at ${providerHandle.baseURL} (set ANTHROPIC_API_KEY to use Claude)`
      : `models: Anthropic API at ${providerHandle.baseURL}`,
  );
  const cacheServices = await createCacheServices({ config, db, redis, log });
  const pubsub = redis ? createRedisPubSub(redis) : createMemoryPubSub();
  const eventLog = redis ? createRedisEventLog(redis, pubsub) : createMemoryEventLog();
  const unsubscribeRevocations = await pubsub.subscribe(API_KEY_REVOKED_CHANNEL, forgetApiKey);
  const activeRuns = await createActiveRuns({
    pubsub,
    heartbeat: (ids) => heartbeatRuns(db.prisma, ids),
  });

  const recover = () =>
    markStaleRunsInterrupted({ prisma: db.prisma, eventLog, activeRunIds: activeRuns.ids() })
      .then((ids) => {
        if (ids.length > 0)
          log.warn(`marked ${ids.length} run(s) interrupted: their server stopped`);
      })
      .catch((e: unknown) => log.warn(`interrupted-run sweep failed: ${(e as Error).message}`));
  await recover();
  const recovery = setInterval(recover, 30_000);
  recovery.unref?.();

  const semaphore = createSemaphore(config.MAX_CONCURRENCY);
  const gatewayCaller = createCachedCaller(cacheServices.cache, async function* (request, context) {
    const release = await semaphore.acquire(context.signal);
    try {
      yield* providerHandle.provider.stream(request, context);
    } finally {
      release();
    }
  });

  return {
    instanceId,
    gatewayCaller,
    db,
    providerHandle,
    cacheServices,
    pubsub,
    caller: createCachedCaller(cacheServices.cache, (request, context) =>
      providerHandle.provider.stream(request, context),
    ),
    semaphore,
    breakers: createBreakerRegistry({
      failureThreshold: config.BREAKER_FAILURE_THRESHOLD,
      cooldownMs: config.BREAKER_COOLDOWN_MS,
    }),
    eventLog,
    activeRuns,
    settings: {
      runConcurrency: config.RUN_CONCURRENCY,
      attemptTimeoutMs: config.ATTEMPT_TIMEOUT_MS,
      runDeadlineMs: config.RUN_DEADLINE_MS,
      maxAttempts: config.MAX_ATTEMPTS,
    },
    log: logger.child("runs"),
    close: async () => {
      clearInterval(recovery);
      unsubscribeRevocations();
      await flushGatewayLog();
      await activeRuns.close();
      await cacheServices.close();
      await eventLog.close();
      await pubsub.close();
      await providerHandle.close();
    },
  };
}
