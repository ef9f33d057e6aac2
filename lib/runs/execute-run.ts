import "server-only";
import type { PrismaClient } from "@/lib/db";
import type { CacheControl } from "@/lib/llm/types";
import { type CompiledPlan, type CompletedStep, type RunEvent, runPlan } from "@/lib/orchestrator";
import { withLogContext } from "@/lib/log-context";
import { inSpan } from "@/lib/tracing";
import { isHandedOff } from "./active-runs";
import { LeaseLostError, type ResumedFrom, createRunRecorder } from "./record-run-event";
import { retryWhileUnavailable } from "./retry-writes";
import type { RunRuntime } from "./runtime-types";

/**
 * Executes a persisted run in the background: records each step's outcome in the database as it
 * happens (so the history is right even if nobody watches) and streams the orchestrator's events
 * into the event log (for live viewers). Never throws: failures end the run as failed.
 */
export async function executeRun(args: {
  prisma: PrismaClient;
  runtime: RunRuntime;
  runId: string;
  teamId: string;
  /** Compiled once by startPlannedRun, which validated it before storing the run. */
  plan: CompiledPlan;
  cacheControl?: CacheControl;
  /**
   * Steps already done, stored already and not called: copied from the run this one retries, or
   * finished before this process resumed the run.
   */
  completed?: ReadonlyMap<string, CompletedStep>;
  /** Set when this process resumes a run another one began (lib/runs/resume-run). */
  resume?: ResumedFrom & {
    /** The last seq of the run's event log: this execution's events continue after it. */
    afterSeq: number;
    /** What is left of the run's deadline. */
    deadlineMs: number;
  };
}): Promise<void> {
  // Every log line of the run's work carries its id (and each step's key, below).
  return withLogContext({ runId: args.runId, teamId: args.teamId }, () =>
    inSpan(
      "run",
      { "ensemble.run.id": args.runId, "ensemble.run.steps": args.plan.steps.length },
      () => execute(args),
    ),
  );
}

async function execute(args: Parameters<typeof executeRun>[0]): Promise<void> {
  const { prisma, runtime, runId, plan } = args;
  const signal = runtime.activeRuns.register(runId);
  const recorder = createRunRecorder({
    db: prisma,
    runId,
    instanceId: runtime.instanceId,
    models: new Map(plan.steps.map((s) => [s.key, s.agent.model])),
    ...(args.resume ? { resumed: args.resume } : {}),
  });
  const remainingMs = args.resume?.deadlineMs ?? runtime.settings.runDeadlineMs;
  const events = runPlan(plan, {
    ...runOptions(runtime, args.teamId),
    runDeadlineMs: remainingMs,
    afterSeq: args.resume?.afterSeq ?? 0,
    runId,
    signal,
    teamId: args.teamId,
    cacheControl: args.cacheControl,
    completed: args.completed,
    aroundStep: (stepKey, work) =>
      withLogContext({ stepKey }, () =>
        inSpan("step", { "ensemble.run.id": runId, "ensemble.step.key": stepKey }, work),
      ),
    aroundAttempt: (stepKey, attempt, work) =>
      inSpan("attempt", { "ensemble.step.key": stepKey, "ensemble.attempt": attempt }, work),
  });
  let lastSeq = args.resume?.afterSeq ?? 0;
  // A little past the orchestrator's own deadline: its last events (the run's end) still land.
  const deadline = Date.now() + remainingMs + 30_000;
  try {
    for await (const event of events) {
      // Handed off (shutdown, or another process claimed it): the run goes on elsewhere, so
      // nothing more is recorded or told here — not the steps' cancellation, not the run's end.
      if (isHandedOff(signal.reason)) {
        runtime.log.info(`run ${runId}: ${(signal.reason as Error).message}; stopped here`);
        break;
      }
      lastSeq = event.seq;
      if (event.type === "run-end") runtime.onRunEnd?.(event.status);
      // Outcomes are stored before viewers hear of them, so a viewer that reacts to run-end by
      // reading the run gets the final row. Deltas skip the database and go straight out.
      // A database outage delays the record (and so what viewers hear) until the database is
      // back, within the run's deadline; it does not fail the run.
      await retryWhileUnavailable(() => recorder.record(event), {
        until: deadline,
        onOutage: (error) =>
          runtime.log.warn(
            `run ${runId}: database unavailable, retrying its writes: ${(error as Error).message}`,
          ),
      });
      await appendEvent(runtime, event);
    }
  } catch (error) {
    if (error instanceof LeaseLostError) {
      // Fenced: another process owns the run now and records its end.
      runtime.log.warn(`run ${runId}: another process claimed it; stopped here`);
      return;
    }
    runtime.log.error(
      `run ${runId} failed unexpectedly: ${(error as Error).stack ?? String(error)}`,
    );
    await failRun(prisma, runtime, runId, lastSeq);
    runtime.onRunEnd?.("failed");
  } finally {
    runtime.activeRuns.unregister(runId);
  }
}

/** The process-wide parts and settings every run shares. */
function runOptions(runtime: RunRuntime, teamId: string) {
  return {
    caller: runtime.caller,
    // The team's view of the process-wide pool: fair across teams, capped per team.
    semaphore: runtime.semaphore.forTenant({ teamId }),
    runConcurrency: runtime.settings.runConcurrency,
    attemptTimeoutMs: runtime.settings.attemptTimeoutMs,
    runDeadlineMs: runtime.settings.runDeadlineMs,
    maxAttempts: runtime.settings.maxAttempts,
  };
}

async function appendEvent(runtime: RunRuntime, event: RunEvent): Promise<void> {
  await runtime.eventLog.append(event).catch((e: unknown) => {
    runtime.log.warn(`run ${event.runId}: event log append failed: ${(e as Error).message}`);
  });
}

/** Ends a run that broke (a bug, or a database that went away) as failed, and tells viewers. */
async function failRun(prisma: PrismaClient, runtime: RunRuntime, runId: string, lastSeq: number) {
  const message = "the run failed unexpectedly";
  const { count } = await prisma.run
    .updateMany({
      where: { id: runId, ownerId: runtime.instanceId },
      data: {
        status: "failed",
        errorCode: "internal",
        errorMessage: message,
        endedAt: new Date(),
        ownerId: null,
      },
    })
    .catch(() => ({ count: 1 }));
  // Another process owns the run: it is not this one's to end.
  if (count === 0) return;
  await runtime.eventLog
    .append({ type: "run-interrupted", runId, seq: lastSeq + 1, message })
    .catch(() => {});
}
