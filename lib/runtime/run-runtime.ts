import "server-only";
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Env } from "@/lib/config";
import type { Database } from "@/lib/db";
import type { ModelCaller } from "@/lib/llm/types";
import { type Logger, logger } from "@/lib/log";
import { createFairSemaphore } from "@/lib/orchestrator";
import type { PubSub } from "@/lib/redis/pubsub";
import { createActiveRuns } from "@/lib/runs/active-runs";
import { startClaimLoop } from "@/lib/runs/claim-runs";
import { handOffActiveRuns } from "@/lib/runs/hand-off-runs";
import { renewLeases } from "@/lib/runs/lease";
import { createMemoryEventLog } from "@/lib/runs/memory-event-log";
import { cancelRequestedRuns } from "@/lib/runs/recover-runs";
import { createRedisEventLog } from "@/lib/runs/redis-event-log";
import type { RunRuntime } from "@/lib/runs/runtime-types";
import type { Metrics } from "@/lib/metrics/registry";
import type { CloseStack } from "./close-stack";
import { timedFairSemaphore } from "./observed-parts";

/**
 * The run machinery: runs execute where they were started, on a lease renewed every
 * RUN_LEASE_RENEW_MS; every process claims and resumes the runs whose lease expired (their
 * process died) or was handed back (shutdown).
 */
export async function buildRuns(args: {
  config: Env;
  db: Database;
  redis: Redis | null;
  pubsub: PubSub;
  caller: ModelCaller;
  breakers: RunRuntime["breakers"];
  stack: CloseStack;
  log: Logger;
  metrics: Metrics;
}): Promise<RunRuntime> {
  const { config, db, redis, pubsub, stack, log, metrics } = args;
  const instanceId = randomUUID();
  const eventLog = redis ? createRedisEventLog(redis, pubsub) : createMemoryEventLog();
  stack.defer("run event log", () => eventLog.close());
  const activeRuns = await createActiveRuns({
    pubsub,
    heartbeat: (runIds) => renewLeases(db.prisma, { runIds, instanceId }),
    heartbeatMs: config.RUN_LEASE_RENEW_MS,
    cancelRequested: (ids) => cancelRequestedRuns(db.prisma, ids),
  });

  const runtime: RunRuntime = {
    instanceId,
    caller: args.caller,
    // Fair across teams, with per-team and per-key caps: one tenant's burst or hung calls
    // cannot take every upstream slot of the process.
    semaphore: timedFairSemaphore(
      createFairSemaphore({
        limit: config.MAX_CONCURRENCY,
        perTeam: config.TEAM_CONCURRENCY ?? Math.ceil(config.MAX_CONCURRENCY * 0.75),
        ...(config.KEY_CONCURRENCY ? { perKey: config.KEY_CONCURRENCY } : {}),
      }),
      (s) => metrics.semaphoreWait.observe({ pool: "runs" }, s),
    ),
    onRunEnd: (status) => metrics.runsFinished.inc({ status }),
    breakers: args.breakers,
    eventLog,
    activeRuns,
    settings: {
      runConcurrency: config.RUN_CONCURRENCY,
      attemptTimeoutMs: config.ATTEMPT_TIMEOUT_MS,
      runDeadlineMs: config.RUN_DEADLINE_MS,
      maxAttempts: config.MAX_ATTEMPTS,
    },
    log: logger.child("runs"),
  };

  const claims = startClaimLoop({
    prisma: db.prisma,
    runtime,
    intervalMs: config.RUN_CLAIM_INTERVAL_MS,
    expiryMs: config.RUN_LEASE_EXPIRY_MS,
    log,
  });
  runtime.stopClaiming = () => claims.stop();
  // Runs executing here are handed back (not cancelled: another process resumes them), after
  // their last writes landed and before the database closes.
  stack.defer("active runs", async () => {
    await handOffActiveRuns({ prisma: db.prisma, runs: runtime }).catch((e: unknown) =>
      log.warn(`could not hand runs back: ${(e as Error).message}`),
    );
    await activeRuns.close();
    await activeRuns.idle();
  });
  // An embedded database belongs to this one process, so every run it left running at start-up
  // died with the previous process: resume it now (or mark it interrupted past its deadline),
  // not after its lease expires. On a shared database only expired leases are taken.
  await claims.runOnce(db.kind === "pglite" ? 0 : undefined);
  return runtime;
}
