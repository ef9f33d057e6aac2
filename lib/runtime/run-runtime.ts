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
import { createMemoryEventLog } from "@/lib/runs/memory-event-log";
import {
  cancelRequestedRuns,
  createSweep,
  heartbeatRuns,
  markStaleRunsInterrupted,
} from "@/lib/runs/recover-runs";
import { createRedisEventLog } from "@/lib/runs/redis-event-log";
import type { RunRuntime } from "@/lib/runs/runtime-types";
import type { Metrics } from "@/lib/metrics/registry";
import type { CloseStack } from "./close-stack";
import { timedFairSemaphore } from "./observed-parts";

/** The run machinery, and the sweep that marks runs of dead instances interrupted. */
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
  const eventLog = redis ? createRedisEventLog(redis, pubsub) : createMemoryEventLog();
  stack.defer("run event log", () => eventLog.close());
  const activeRuns = await createActiveRuns({
    pubsub,
    heartbeat: (ids) => heartbeatRuns(db.prisma, ids),
    cancelRequested: (ids) => cancelRequestedRuns(db.prisma, ids),
  });
  // Runs executing here are told to stop, and their last writes land before the database closes.
  stack.defer("active runs", async () => {
    await activeRuns.close();
    await activeRuns.idle();
  });

  const sweep = (staleAfterMs?: number) =>
    createSweep(
      () =>
        markStaleRunsInterrupted({
          prisma: db.prisma,
          eventLog,
          activeRunIds: activeRuns.ids(),
          staleAfterMs,
        }),
      log,
    );
  // An embedded database belongs to this one process, so every run it left running at start-up
  // died with the previous process: say so now, not after the heartbeat goes stale.
  await sweep(db.kind === "pglite" ? 0 : undefined)();
  const recover = sweep();
  const recovery = setInterval(() => void recover(), 30_000);
  recovery.unref?.();
  stack.defer("interrupted-run sweep", () => clearInterval(recovery));

  return {
    instanceId: randomUUID(),
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
}
