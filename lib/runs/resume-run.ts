import "server-only";
import type { PrismaClient } from "@/lib/db";
import type { ErrorCode } from "@/lib/errors";
import type { CacheControl } from "@/lib/llm/types";
import { type CompletedStep, type StopReason, compilePlan } from "@/lib/orchestrator";
import type { RunEventLog } from "./event-log";
import { executeRun } from "./execute-run";
import { streamedTextByStep } from "./recover-partial-output";
import type { Billed } from "./record-run-event";
import type { RunRuntime } from "./runtime-types";
import { storedPlan } from "./stored-plan";
import type { RunStreamEvent } from "./stream-events";

const RESUMED_MESSAGE = "the server running this run stopped; another one resumed it";

/** One attempt an execution that died made of a step, as kept in the step's attempt log. */
interface InterruptedAttempt {
  attempt: number;
  startedAt: number;
  durationMs: number;
  errorCode: string;
  /** The text the attempt had streamed when its server stopped (the step runs again). */
  partialOutput?: string;
}

type StoredStep = Awaited<ReturnType<typeof loadRun>>["steps"][number];

const loadRun = (prisma: PrismaClient, runId: string) =>
  prisma.run.findUniqueOrThrow({ where: { id: runId }, include: { steps: true } });

/**
 * The attempts the dead execution made of an unfinished step, from its row (how many) and the
 * run's event log (when each began, why earlier ones were retried, what the last one streamed).
 */
function interruptedAttempts(
  step: StoredStep,
  events: readonly RunStreamEvent[],
  streamed: string | undefined,
  stoppedAt: number,
): InterruptedAttempt[] {
  const before = Array.isArray(step.attemptLog) ? step.attemptLog.length : 0;
  const starts = new Map<number, number>();
  const retried = new Map<number, string>();
  for (const event of events) {
    // Attempt numbers restart with each execution: only the last execution's count here.
    if (event.type === "run-resumed") {
      starts.clear();
      retried.clear();
    }
    if (event.type === "step-start" && event.stepKey === step.key)
      starts.set(event.attempt, event.at);
    if (event.type === "step-retry" && event.stepKey === step.key)
      retried.set(event.attempt, event.errorCode);
  }
  const made = Math.max(0, step.attempts - before);
  const attempts: InterruptedAttempt[] = [];
  for (let n = 1; n <= made; n++) {
    const startedAt = starts.get(n) ?? step.startedAt?.getTime() ?? stoppedAt;
    const endedAt = starts.get(n + 1) ?? stoppedAt;
    const last = n === made;
    attempts.push({
      attempt: before + n,
      startedAt,
      durationMs: Math.max(0, endedAt - startedAt),
      errorCode: last ? "interrupted" : (retried.get(n) ?? "interrupted"),
      ...(last && streamed ? { partialOutput: streamed } : {}),
    });
  }
  return attempts;
}

/**
 * The seq the resumed run's events continue after: the last one of its event log. A run that had
 * started but whose log is empty lost its events (an in-memory log that died with its process, or
 * a Redis that came back empty): its viewers may be anywhere up to a seq nobody knows, and would
 * ignore events numbered from 1 again. Its new events are numbered after the clock (epoch ms, more
 * than any run emits), so every viewer sees a jump and gets a run-snapshot for what was lost
 * (lib/runs/run-event-stream), never a silent gap or a seq it has already seen.
 */
function seqToContinue(
  events: readonly RunStreamEvent[],
  startedAt: Date | null,
  now: Date,
): number {
  const last = events.at(-1)?.seq;
  if (last !== undefined) return last;
  return startedAt ? now.getTime() : 0;
}

/**
 * A stored run's steps, as resuming needs them: those that finished (succeeded, or failed) as the
 * orchestrator's completed steps; what the finished ones billed; and, per unfinished step, its
 * attempt log so far (the dead execution's attempts appended).
 */
function splitSteps(
  steps: readonly StoredStep[],
  events: readonly RunStreamEvent[],
  streamed: ReadonlyMap<string, { text: string }>,
  stoppedAt: number,
) {
  const completed = new Map<string, CompletedStep>();
  const priorAttempts = new Map<string, object[]>();
  const carried: Billed = { cost: 0, inputTokens: 0, outputTokens: 0 };
  const unfinished: { id: string; attemptLog: object[] }[] = [];
  const carry = (step: StoredStep) => {
    carried.cost += step.costUsd;
    carried.inputTokens += step.inputTokens;
    carried.outputTokens += step.outputTokens;
  };
  for (const step of steps) {
    if (step.status === "succeeded") {
      completed.set(step.key, {
        output: step.output,
        ...(step.stopReason ? { stopReason: step.stopReason as StopReason } : {}),
        ...(step.answeredModel ? { model: step.answeredModel } : {}),
      });
      carry(step);
      continue;
    }
    // A partial answer a step kept before (a failed attempt) was billed: it stays in the totals.
    if (step.partial) carry(step);
    // A step that had failed is over too: not called again; its dependants are skipped again.
    if (step.status === "failed") {
      completed.set(step.key, {
        output: "",
        error: {
          code: (step.errorCode ?? "internal") as ErrorCode,
          message: step.errorMessage ?? "The step failed.",
        },
      });
      continue;
    }
    const before = Array.isArray(step.attemptLog) ? (step.attemptLog as object[]) : [];
    const died = interruptedAttempts(step, events, streamed.get(step.key)?.text, stoppedAt);
    const attemptLog = [...before, ...died];
    if (attemptLog.length > 0) priorAttempts.set(step.key, attemptLog);
    unfinished.push({ id: step.id, attemptLog });
  }
  return { completed, priorAttempts, carried, unfinished };
}

/**
 * Resumes a run this process just claimed (lib/runs/lease): the steps that had finished — with an
 * answer, or failed — are passed to the orchestrator as completed (not called again, billed once),
 * the others run again, each keeping the attempts it made before (the text its interrupted
 * attempt had streamed included) first in its attempt log. Viewers get a `run-resumed` event continuing the
 * run's seq, then the run's events from run-start. Resolves once the run executes here; the run
 * itself goes on in the background, as a new run does.
 */
export async function resumeRun(args: {
  prisma: PrismaClient;
  runtime: RunRuntime;
  runId: string;
  /** When the previous owner was last known alive (its last heartbeat). */
  stoppedAt?: Date | null;
  now?: Date;
}): Promise<void> {
  const { prisma, runtime, runId } = args;
  const now = args.now ?? new Date();
  const run = await loadRun(prisma, runId);
  const eventLog: RunEventLog = runtime.eventLog;
  const events = await eventLog.since(runId, 0).catch(() => []);
  const streamed = await streamedTextByStep(eventLog, runId).catch(() => new Map());
  const afterSeq = seqToContinue(events, run.startedAt, now);
  const stoppedAt = (args.stoppedAt ?? now).getTime();

  const { completed, priorAttempts, carried, unfinished } = splitSteps(
    run.steps,
    events,
    streamed,
    stoppedAt,
  );
  // Stored now, so a second crash before an unfinished step ends still has its attempts.
  await prisma.$transaction(
    unfinished.map(({ id, attemptLog }) =>
      prisma.runStep.update({
        where: { id },
        data: { status: "pending", attempts: attemptLog.length, attemptLog },
      }),
    ),
  );

  const startedAt = (run.startedAt ?? run.createdAt).getTime();
  const deadlineMs = runtime.settings.runDeadlineMs - (now.getTime() - startedAt);
  await eventLog
    .append({
      type: "run-resumed",
      runId,
      seq: afterSeq + 1,
      at: now.getTime(),
      message: RESUMED_MESSAGE,
    })
    .catch((e: unknown) =>
      runtime.log.warn(`run ${runId}: event log append failed: ${(e as Error).message}`),
    );
  runtime.log.info(
    `run ${runId}: resumed (${completed.size} of ${run.steps.length} step(s) already done)`,
  );
  void executeRun({
    prisma,
    runtime,
    runId,
    teamId: run.teamId,
    plan: compilePlan(storedPlan(run)),
    completed,
    ...(run.cacheControl ? { cacheControl: run.cacheControl as CacheControl } : {}),
    resume: { afterSeq: afterSeq + 1, deadlineMs, priorAttempts, carried },
  });
  // Cancelled while no process executed it: the cancel lands now, through the usual path (the
  // run ends cancelled, its steps uncalled), not at the next cancel poll after a step began.
  // (executeRun registers the run before its first await, so the cancel finds it here.)
  if (run.cancelRequestedAt !== null) void runtime.activeRuns.cancel(runId).catch(() => {});
}
