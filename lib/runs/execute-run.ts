import "server-only";
import { estimateCostUsd } from "@/lib/cache/pricing";
import type { PrismaClient } from "@/lib/db";
import type { CacheControl } from "@/lib/llm/types";
import { type Plan, type RunEvent, runPlan } from "@/lib/orchestrator";
import type { RunRuntime } from "./runtime-types";

/**
 * When a step really ended: the end of its last attempt, on the orchestrator's clock (the clock of
 * step-start's `at`). Not the time of this write, which lags behind while earlier events are being
 * recorded, so a dependent step could appear to start before its dependency ended. A step that
 * never ran (no attempts) ends now.
 */
function stepEndedAt(attempts: ReadonlyArray<{ startedAt: number; durationMs: number }>): Date {
  const last = attempts.at(-1);
  return last ? new Date(last.startedAt + last.durationMs) : new Date();
}

/** Answers served without an upstream call cost nothing. */
const FREE_STATUSES = new Set(["hit-memory", "hit-db", "coalesced"]);

/**
 * Executes a persisted run in the background: streams the orchestrator's events into the event
 * log (for live viewers) and records each step's outcome in the database as it happens, so the
 * history is right even if nobody watches. Never throws: failures end the run as failed.
 */
export async function executeRun(args: {
  prisma: PrismaClient;
  runtime: RunRuntime;
  runId: string;
  teamId: string;
  plan: Plan;
  cacheControl?: CacheControl;
}): Promise<void> {
  const { prisma, runtime, runId, teamId, plan } = args;
  const signal = runtime.activeRuns.register(runId);
  const models = new Map(
    (plan.mode === "dag" ? plan.steps.map((s) => [s.key, s.agent.model]) : []) as [
      string,
      string,
    ][],
  );
  let totalCost = 0;
  let lastSeq = 0;

  const record = async (event: RunEvent) => {
    const where = { runId_key: { runId, key: "stepKey" in event ? event.stepKey : "" } };
    switch (event.type) {
      case "run-start":
        for (const s of event.steps) models.set(s.key, s.model);
        await prisma.run.update({
          where: { id: runId },
          data: {
            status: "running",
            startedAt: new Date(event.at),
            ownerId: runtime.instanceId,
            heartbeatAt: new Date(),
          },
        });
        return;
      case "step-start":
        await prisma.runStep.update({
          where,
          data: {
            status: "running",
            attempts: event.attempt,
            ...(event.attempt === 1 ? { startedAt: new Date(event.at) } : {}),
          },
        });
        return;
      case "step-end": {
        const free = event.cacheStatus !== null && FREE_STATUSES.has(event.cacheStatus);
        const cost = free
          ? 0
          : estimateCostUsd(models.get(event.stepKey) ?? "", event.inputTokens, event.outputTokens);
        totalCost += cost;
        await prisma.runStep.update({
          where,
          data: {
            status: "succeeded",
            output: event.output,
            attempts: event.attempts.length,
            attemptLog: event.attempts as object[],
            cacheStatus: event.cacheStatus,
            latencyMs: Math.round(event.latencyMs),
            ttftMs: event.ttftMs === null ? null : Math.round(event.ttftMs),
            inputTokens: event.inputTokens,
            outputTokens: event.outputTokens,
            costUsd: cost,
            endedAt: stepEndedAt(event.attempts),
          },
        });
        return;
      }
      case "step-error":
        await prisma.runStep.update({
          where,
          data: {
            status: event.skipped ? "skipped" : event.code === "cancelled" ? "cancelled" : "failed",
            errorCode: event.code,
            errorMessage: event.message,
            attempts: event.attempts.length,
            attemptLog: event.attempts as object[],
            latencyMs: Math.round(event.latencyMs),
            endedAt: stepEndedAt(event.attempts),
          },
        });
        return;
      case "run-end":
        await prisma.run.update({
          where: { id: runId },
          data: {
            status: event.status,
            endedAt: new Date(),
            latencyMs: Math.round(event.latencyMs),
            inputTokens: event.inputTokens,
            outputTokens: event.outputTokens,
            costUsd: totalCost,
            ownerId: null,
          },
        });
        return;
      default:
        return;
    }
  };

  try {
    for await (const event of runPlan(plan, {
      runId,
      caller: runtime.caller,
      semaphore: runtime.semaphore,
      breakers: runtime.breakers,
      signal,
      teamId,
      cacheControl: args.cacheControl,
      runConcurrency: runtime.settings.runConcurrency,
      attemptTimeoutMs: runtime.settings.attemptTimeoutMs,
      runDeadlineMs: runtime.settings.runDeadlineMs,
      maxAttempts: runtime.settings.maxAttempts,
    })) {
      lastSeq = event.seq;
      // Outcomes are stored before viewers hear of them, so a viewer that reacts to run-end by
      // reading the run gets the final row. Deltas skip the database and go straight out.
      if (event.type !== "step-delta" && event.type !== "step-retry") await record(event);
      await runtime.eventLog.append(event).catch((e: unknown) => {
        runtime.log.warn(`run ${runId}: event log append failed: ${(e as Error).message}`);
      });
    }
  } catch (error) {
    runtime.log.error(
      `run ${runId} failed unexpectedly: ${(error as Error).stack ?? String(error)}`,
    );
    await prisma.run
      .update({
        where: { id: runId },
        data: {
          status: "failed",
          errorCode: "internal",
          errorMessage: "the run failed unexpectedly",
          endedAt: new Date(),
          ownerId: null,
        },
      })
      .catch(() => {});
    await runtime.eventLog
      .append({
        type: "run-interrupted",
        runId,
        seq: lastSeq + 1,
        message: "the run failed unexpectedly",
      })
      .catch(() => {});
  } finally {
    runtime.activeRuns.unregister(runId);
  }
}
