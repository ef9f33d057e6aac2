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
  run: { update(args: Prisma.RunUpdateArgs): PromiseLike<unknown> };
  runStep: { update(args: Prisma.RunStepUpdateArgs): PromiseLike<unknown> };
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

/** What every write of one run needs. */
interface Context {
  db: RunWrites;
  runId: string;
  instanceId: string;
  models: ReadonlyMap<string, string>;
}

const updateStep = (ctx: Context, key: string, data: Prisma.RunStepUpdateInput) =>
  ctx.db.runStep.update({ where: { runId_key: { runId: ctx.runId, key } }, data });

const onRunStart = (ctx: Context, event: RunStartEvent) =>
  ctx.db.run.update({
    where: { id: ctx.runId },
    data: {
      status: "running",
      startedAt: new Date(event.at),
      ownerId: ctx.instanceId,
      heartbeatAt: new Date(),
    },
  });

const onStepStart = (ctx: Context, event: StepStartEvent) =>
  updateStep(ctx, event.stepKey, {
    status: "running",
    attempts: event.attempt,
    ...(event.attempt === 1 ? { startedAt: new Date(event.at) } : {}),
  });

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
  } satisfies Prisma.RunStepUpdateInput;
  return { data, cost };
}

type Answer = Pick<
  StepEndEvent,
  "output" | "ttftMs" | "inputTokens" | "outputTokens" | "usage" | "cacheStatus" | "model"
>;

/** What a step's call billed, added up into the run's totals by the recorder. */
interface Billed {
  cost: number;
  inputTokens: number;
  outputTokens: number;
}

/** Records a step's answer; returns what it cost (answers served from the cache cost nothing). */
async function onStepEnd(ctx: Context, event: StepEndEvent): Promise<number> {
  const { data, cost } = answerColumns(ctx, event.stepKey, event);
  await updateStep(ctx, event.stepKey, {
    ...data,
    status: "succeeded",
    answeredModel: answeringModel(ctx, event.stepKey, event),
    attempts: event.attempts.length,
    attemptLog: event.attempts as object[],
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
    attempts: event.attempts.length,
    attemptLog: event.attempts as object[],
    latencyMs: Math.round(event.latencyMs),
    endedAt: stepEndedAt(event.attempts),
  });
  if (!kept || !event.partial) return null;
  const { inputTokens, outputTokens } = event.partial;
  return { cost: kept.cost, inputTokens, outputTokens };
}

/** The run's totals: the orchestrator's (steps that succeeded) plus what partial answers billed. */
const onRunEnd = (ctx: Context, event: RunEndEvent, billed: Billed) =>
  ctx.db.run.update({
    where: { id: ctx.runId },
    data: {
      status: event.status,
      endedAt: new Date(),
      latencyMs: Math.round(event.latencyMs),
      inputTokens: event.inputTokens + billed.inputTokens,
      outputTokens: event.outputTokens + billed.outputTokens,
      costUsd: billed.cost,
      ownerId: null,
    },
  });

/**
 * The database side of executing a run: each outcome is stored as it happens, so the history is
 * right even if nobody watches. `models` maps step keys to their agents' models, for pricing
 * events that do not name the model that answered.
 */
export function createRunRecorder(ctx: {
  db: RunWrites;
  runId: string;
  /** Stamped as the run's owner while it runs (the heartbeat's instance). */
  instanceId: string;
  models: ReadonlyMap<string, string>;
}): RunRecorder {
  // Cost of every call; tokens only of partial answers (the orchestrator sums the finished ones).
  const billed: Billed = { cost: 0, inputTokens: 0, outputTokens: 0 };
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
      else if (event.type === "step-end") billed.cost += await onStepEnd(ctx, event);
      else if (event.type === "step-error") addPartial(await onStepError(ctx, event));
      else if (event.type === "run-end") await onRunEnd(ctx, event, billed);
    },
  };
}
