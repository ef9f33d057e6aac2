import { type AppError, isAppError } from "@/lib/errors";
import type { CacheControl } from "@/lib/llm/types";
import { retryWait, type BackoffOptions } from "./backoff";
import type { AttemptRecord, PartialAnswer } from "./events";
import { stepModels, switchesModel } from "./fallback";
import type { CompiledStep } from "./plan";
import { shouldRetry } from "./retry-policy";
import { type Sleep, abortError, raceAbort } from "@/lib/async";
import {
  type AttemptCall,
  type AttemptRuntime,
  type AttemptSuccess,
  runAttempt,
  toAppError,
} from "./run-attempt";
import { stepCacheControl, stepRequest } from "./step-request";

/** What a step needs from its run (an attempt's needs, and those of retrying); built once per run by runPlan. */
export interface StepRuntime extends AttemptRuntime {
  maxAttempts: number;
  backoff: BackoffOptions;
  cacheControl: CacheControl | undefined;
  sleep: Sleep;
  /** Longest wait for outbound room while a fallback model is left (RunOptions.fallbackMaxWaitMs). */
  fallbackMaxWaitMs: number;
  /** Wraps each step's work (RunOptions.aroundStep). */
  aroundStep?: <T>(stepKey: string, work: () => Promise<T>) => Promise<T>;
  /** Wraps each attempt's work (RunOptions.aroundAttempt). */
  aroundAttempt?: <T>(stepKey: string, attempt: number, work: () => Promise<T>) => Promise<T>;
}

/** A step's result, as the scheduler needs it. */
export type StepOutcome =
  { ok: true; output: string; inputTokens: number; outputTokens: number } | { ok: false };

/** How often a step waiting on a half-open circuit looks again (the probe's outcome decides). */
const PROBE_POLL_MS = 250;

/**
 * Runs one step to its end: attempts, retries with backoff, and exactly one final event
 * (step-end or step-error). An open circuit (the caller's breaker, behind the cache) is waited
 * out within the run's deadline and does not use up an attempt. An agent with fallback models
 * switches to the next one instead of waiting when its model is unavailable (switchesModel);
 * a switch does not use up an attempt either.
 */
export async function runStep(
  step: CompiledStep,
  content: string,
  rt: StepRuntime,
): Promise<StepOutcome> {
  // Each model, the agent's or a fallback, gets the request made for it (sampling parameters
  // follow the model).
  const requestOn = (model: string) => stepRequest(content, step, model);
  const base = { cache: stepCacheControl(step, rt.cacheControl) };
  const models = stepModels(step.agent);
  let modelIndex = 0;
  let call = callOn(base, requestOn, models, modelIndex, rt);
  const stepStartedAt = rt.now();
  const attempts: AttemptRecord[] = [];
  const maxAttempts = Math.max(1, Math.floor(rt.maxAttempts));

  const fail = (error: AppError, partial?: PartialAnswer): StepOutcome => {
    void rt.emit({
      type: "step-error",
      stepKey: step.key,
      code: error.code,
      message: error.message,
      attempts,
      latencyMs: rt.now() - stepStartedAt,
      ...(partial ? { partial } : {}),
    });
    return { ok: false };
  };

  // Circuit waits and model switches: attempts that do not count against maxAttempts.
  let freeAttempts = 0;
  for (let attempt = 1; ; attempt += 1) {
    const thisCall = call;
    const work = () => runAttempt(step, thisCall, attempt, rt);
    const result = await (rt.aroundAttempt ? rt.aroundAttempt(step.key, attempt, work) : work());
    attempts.push({
      attempt,
      startedAt: result.startedAt,
      durationMs: rt.now() - result.startedAt,
      ...(result.ok ? {} : { errorCode: result.error.code }),
      ...(thisCall.request.model === step.agent.model ? {} : { model: thisCall.request.model }),
    });
    if (result.ok) return succeed(step, result, attempts, rt.now() - stepStartedAt, rt);

    const { error } = result;
    const next = models[modelIndex + 1];
    if (next !== undefined && switchesModel(error, result.tokensSeen)) {
      modelIndex += 1;
      freeAttempts += 1;
      announceSwitch(step, attempt, error, next, rt);
      call = callOn(base, requestOn, models, modelIndex, rt);
      continue;
    }
    if (error.code === "circuit_open" && result.tokensSeen === 0) {
      freeAttempts += 1;
      const failure = await waitOutCircuit(step, attempt, error, rt);
      if (failure) return fail(failure);
      continue;
    }
    if (
      attempt - freeAttempts >= maxAttempts ||
      !shouldRetry(error, { tokensSeen: result.tokensSeen })
    ) {
      // Text reached the user only on this last attempt (none is retried after a delta): keep it.
      return fail(error, result.partial);
    }
    const failure = await backOff(step, attempt, error, rt);
    if (failure) return fail(failure);
  }
}

/** Reports the step's answer (its one step-end event) and hands the scheduler what it needs. */
function succeed(
  step: CompiledStep,
  result: AttemptSuccess,
  attempts: AttemptRecord[],
  latencyMs: number,
  rt: StepRuntime,
): StepOutcome {
  void rt.emit({
    type: "step-end",
    stepKey: step.key,
    output: result.output,
    attempts,
    latencyMs,
    ttftMs: result.ttftMs,
    inputTokens: result.inputTokens,
    outputTokens: result.outputTokens,
    usage: result.usage,
    cacheStatus: result.cacheStatus,
    stopReason: result.stopReason,
    model: result.model,
  });
  return {
    ok: true,
    output: result.output,
    inputTokens: result.inputTokens,
    outputTokens: result.outputTokens,
  };
}

/** Tells the timeline that attempt `attempt + 1` goes, at once, to the fallback `model`. */
function announceSwitch(
  step: CompiledStep,
  attempt: number,
  error: AppError,
  model: string,
  rt: StepRuntime,
): void {
  void rt.emit({
    type: "step-retry",
    stepKey: step.key,
    attempt,
    errorCode: error.code,
    delayMs: 0,
    model,
  });
}

/**
 * The step's call on its `index`-th model. Its wait for outbound room is bounded while a later
 * model is left to switch to; the last model waits within the run's deadline, as a step without
 * fallbacks always does.
 */
function callOn(
  base: Omit<AttemptCall, "request">,
  requestOn: (model: string) => AttemptCall["request"],
  models: readonly string[],
  index: number,
  rt: StepRuntime,
): AttemptCall {
  const call = { ...base, request: requestOn(models[index]!) };
  return index < models.length - 1 ? { ...call, outboundMaxWaitMs: rt.fallbackMaxWaitMs } : call;
}

/**
 * Waits for an open circuit's next probe within the run's scope (not counted as an attempt).
 * Returns the error to fail the step with when the run runs out of time first.
 */
async function waitOutCircuit(
  step: CompiledStep,
  attempt: number,
  error: AppError,
  rt: StepRuntime,
): Promise<AppError | undefined> {
  const delayMs = error.retryAfterMs ?? PROBE_POLL_MS;
  void rt.emit({ type: "step-retry", stepKey: step.key, attempt, errorCode: error.code, delayMs });
  try {
    await raceAbort(rt.sleep(Math.max(1, delayMs), rt.scope), rt.scope);
    return undefined;
  } catch {
    // Out of time while the model was down: say why (the circuit and its cause), not just "deadline".
    const reason = rt.scope.reason as unknown;
    return isAppError(reason) && reason.code === "cancelled" ? reason : error;
  }
}

/**
 * Sleeps the retry policy's backoff before the next attempt. Returns the error to fail the step
 * with instead: the upstream's own when it wants us gone for too long, or why the wait broke off.
 */
async function backOff(
  step: CompiledStep,
  attempt: number,
  error: AppError,
  rt: StepRuntime,
): Promise<AppError | undefined> {
  const wait = retryWait(attempt, error, rt.backoff);
  if (wait.kind === "give-up") return error;
  void rt.emit({
    type: "step-retry",
    stepKey: step.key,
    attempt,
    errorCode: error.code,
    delayMs: wait.delayMs,
  });
  try {
    // No permit is held here: backing off must not starve other steps of upstream capacity.
    await raceAbort(rt.sleep(wait.delayMs, rt.scope), rt.scope);
    return undefined;
  } catch (thrown) {
    return rt.scope.aborted ? abortError(rt.scope) : toAppError(thrown);
  }
}
