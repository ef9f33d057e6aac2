import "server-only";
import { callCostUsd } from "@/lib/spend";
import type { Prisma } from "@/lib/db/generated/client";
import type {
  RunEndEvent,
  RunEvent,
  RunStartEvent,
  StepEndEvent,
  StepErrorEvent,
  StepStartEvent,
} from "@/lib/orchestrator";
import type { TokenUsage } from "@/lib/llm/usage";
import { isServedFromCache } from "./status";

/** The two writes recording needs: the seam unit tests fill with a fake. */
export interface RunWrites {
  run: { updateMany(args: Prisma.RunUpdateManyArgs): PromiseLike<{ count: number }> };
  runStep: { updateMany(args: Prisma.RunStepUpdateManyArgs): PromiseLike<{ count: number }> };
}

/** Records a run's events as rows; keeps the run's cost, which only the recorder can add up. */
export interface RunRecorder {
  /** Writes what the event changes; deltas and retries change nothing stored. */
  record(event: RunEvent): Promise<void>;
}

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

/**
 * The run's row names another process as its owner: that process claimed the run (this one lost
 * its lease), so this one must stop without writing the run's status.
 */
export class LeaseLostError extends Error {
  override name = "LeaseLostError";
}

/** What a resumed run carries over from the process that executed it before. */
export interface ResumedFrom {
  /** Per unfinished step, the attempts it made before (kept first in its attempt log). */
  priorAttempts: ReadonlyMap<string, readonly object[]>;
  /** What the steps that had finished billed: part of the run's totals. */
  carried: Billed;
}

/** What every write of one run needs. */
interface Context {
  db: RunWrites;
  runId: string;
  instanceId: string;
  models: ReadonlyMap<string, string>;
  resumed?: ResumedFrom;
}

/**
 * Writes the run's row only while this process owns it (fencing): a process that lost its lease
 * to another never overwrites what the new owner records.
 */
async function updateOwnedRun(ctx: Context, data: Prisma.RunUpdateManyMutationInput) {
  const { count } = await ctx.db.run.updateMany({
    where: { id: ctx.runId, ownerId: ctx.instanceId },
    data,
  });
  if (count === 0) throw new LeaseLostError(`run ${ctx.runId} is owned by another process`);
}

const priorOf = (ctx: Context, key: string) => ctx.resumed?.priorAttempts.get(key) ?? [];

/**
 * Writes a step's row only while this process owns its run, like the run's row: a process that
 * lost its lease stops at its next step write, and never overwrites the step the new owner runs.
 */
async function updateStep(ctx: Context, key: string, data: Prisma.RunStepUpdateManyMutationInput) {
  const { count } = await ctx.db.runStep.updateMany({
    where: { runId: ctx.runId, key, run: { is: { ownerId: ctx.instanceId } } },
    data,
  });
  if (count === 0) throw new LeaseLostError(`run ${ctx.runId} is owned by another process`);
}

/** A resumed run keeps the start of its first execution. */
const onRunStart = (ctx: Context, event: RunStartEvent) =>
  updateOwnedRun(ctx, {
    status: "running",
    ...(ctx.resumed ? {} : { startedAt: new Date(event.at) }),
    heartbeatAt: new Date(),
  });

/** A resumed step's attempts continue the count of the ones it made before. */
const onStepStart = (ctx: Context, event: StepStartEvent) => {
  const prior = priorOf(ctx, event.stepKey).length;
  return updateStep(ctx, event.stepKey, {
    status: "running",
    attempts: prior + event.attempt,
    ...(event.attempt === 1 && prior === 0 ? { startedAt: new Date(event.at) } : {}),
  });
};

/** The model that answered (or streamed a partial answer); older events only had the agent's. */
const answeringModel = (ctx: Context, stepKey: string, answer: Answer) =>
  answer.model ?? ctx.models.get(stepKey) ?? "";

/** What one answered call (whole or partial) billed: the step's answer columns and its cost. */
function answerColumns(ctx: Context, stepKey: string, answer: Answer) {
  const usage: TokenUsage = answer.usage ?? {
    inputTokens: answer.inputTokens,
    outputTokens: answer.outputTokens,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    cacheReadTokens: 0,
  };
  // Priced at the rates of the model that answered: a fallback's, when one did.
  const price = callCostUsd(answeringModel(ctx, stepKey, answer), usage);
  const hit = isServedFromCache(answer.cacheStatus);
  const cost = hit ? 0 : price;
  const data = {
    output: answer.output,
    cacheStatus: answer.cacheStatus,
    ttftMs: answer.ttftMs === null ? null : Math.round(answer.ttftMs),
    inputTokens: answer.inputTokens,
    outputTokens: answer.outputTokens,
    cacheWrite5mTokens: usage.cacheWrite5mTokens,
    cacheWrite1hTokens: usage.cacheWrite1hTokens,
    cacheReadTokens: usage.cacheReadTokens,
    costUsd: cost,
    savedUsd: hit ? price : 0,
  } satisfies Prisma.RunStepUpdateManyMutationInput;
  return { data, cost };
}

type Answer = Pick<
  StepEndEvent,
  "output" | "ttftMs" | "inputTokens" | "outputTokens" | "usage" | "cacheStatus" | "model"
>;

/** What a step's call billed, added up into the run's totals by the recorder. */
export interface Billed {
  cost: number;
  inputTokens: number;
  outputTokens: number;
}

/** The step's attempt count and log: those before a resume first, then this execution's. */
function attemptColumns(ctx: Context, event: StepEndEvent | StepErrorEvent) {
  const prior = priorOf(ctx, event.stepKey);
  return {
    attempts: prior.length + event.attempts.length,
    attemptLog: [...prior, ...(event.attempts as object[])],
  };
}

/** Records a step's answer; returns what it cost (answers served from the cache cost nothing). */
async function onStepEnd(ctx: Context, event: StepEndEvent): Promise<number> {
  const { data, cost } = answerColumns(ctx, event.stepKey, event);
  await updateStep(ctx, event.stepKey, {
    ...data,
    status: "succeeded",
    answeredModel: answeringModel(ctx, event.stepKey, event),
    ...attemptColumns(ctx, event),
    latencyMs: Math.round(event.latencyMs),
    stopReason: event.stopReason,
    endedAt: stepEndedAt(event.attempts),
  });
  return cost;
}

/** Records a step that did not succeed, keeping any text it had streamed and what that billed. */
async function onStepError(ctx: Context, event: StepErrorEvent): Promise<Billed | null> {
  const kept = event.partial ? answerColumns(ctx, event.stepKey, event.partial) : null;
  await updateStep(ctx, event.stepKey, {
    ...(kept ? { ...kept.data, partial: true } : {}),
    status: event.skipped ? "skipped" : event.code === "cancelled" ? "cancelled" : "failed",
    errorCode: event.code,
    errorMessage: event.message,
    ...attemptColumns(ctx, event),
    latencyMs: Math.round(event.latencyMs),
    endedAt: stepEndedAt(event.attempts),
  });
  if (!kept || !event.partial) return null;
  const { inputTokens, outputTokens } = event.partial;
  return { cost: kept.cost, inputTokens, outputTokens };
}

/** The run's totals: the orchestrator's (steps that succeeded) plus what partial answers billed. */
const onRunEnd = (ctx: Context, event: RunEndEvent, billed: Billed) =>
  updateOwnedRun(ctx, {
    status: event.status,
    endedAt: new Date(),
    latencyMs: Math.round(event.latencyMs),
    inputTokens: event.inputTokens + billed.inputTokens,
    outputTokens: event.outputTokens + billed.outputTokens,
    costUsd: billed.cost,
    ownerId: null,
  });

/**
 * The database side of executing a run: each outcome is stored as it happens, so the history is
 * right even if nobody watches. `models` maps step keys to their agents' models, for pricing
 * events that do not name the model that answered.
 */
export function createRunRecorder(ctx: {
  db: RunWrites;
  runId: string;
  /** The run's owner: its status is written only while the row still names this instance. */
  instanceId: string;
  models: ReadonlyMap<string, string>;
  /** Set when this process resumes a run another one began. */
  resumed?: ResumedFrom;
}): RunRecorder {
  // Cost of every call; tokens only of partial answers (the orchestrator sums the finished ones)
  // and of the steps a resumed run had finished before (the orchestrator counts them as copies).
  const billed: Billed = {
    ...(ctx.resumed?.carried ?? { cost: 0, inputTokens: 0, outputTokens: 0 }),
  };
  const addPartial = (partial: Billed | null) => {
    if (!partial) return;
    billed.cost += partial.cost;
    billed.inputTokens += partial.inputTokens;
    billed.outputTokens += partial.outputTokens;
  };
  return {
    async record(event) {
      if (event.type === "run-start") await onRunStart(ctx, event);
      else if (event.type === "step-start") await onStepStart(ctx, event);
      // A copied step was stored with the run (startPlannedRun) and billed nothing here.
      else if (event.type === "step-end" && event.copied) return;
      // A failed step of a resumed run was stored when it failed.
      else if (event.type === "step-error" && event.copied) return;
      else if (event.type === "step-end") billed.cost += await onStepEnd(ctx, event);
      else if (event.type === "step-error") addPartial(await onStepError(ctx, event));
      else if (event.type === "run-end") await onRunEnd(ctx, event, billed);
    },
  };
}
