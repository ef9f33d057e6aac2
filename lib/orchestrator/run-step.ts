import { AppError, isAppError } from "@/lib/errors";
import type {
  CacheControl,
  CacheStatus,
  ModelCaller,
  ModelRequest,
  ModelStreamEvent,
} from "@/lib/llm/types";
import type { Sleep } from "./abortable-sleep";
import { retryWait, type BackoffOptions } from "./backoff";
import type { BreakerPermit, BreakerRegistry } from "./circuit-breaker";
import type { AttemptRecord, RunEventInput, StopReason } from "./events";
import type { CompiledStep } from "./plan";
import { shouldRetry } from "./retry-policy";
import { acquireAll, type Release, type Semaphore } from "./semaphore";
import { abortError, createTimeout, raceAbort, type Timeout } from "./signals";
import { stepCacheControl, stepRequest } from "./step-request";

/** What a step needs from its run; built once per run by runPlan. */
export interface StepRuntime {
  caller: ModelCaller;
  /** Acquired in this order for each attempt: the run's limit, then the process-wide one. */
  semaphores: Semaphore[];
  breakers: BreakerRegistry | undefined;
  attemptTimeoutMs: number;
  maxAttempts: number;
  backoff: BackoffOptions;
  teamId: string | undefined;
  cacheControl: CacheControl | undefined;
  now: () => number;
  sleep: Sleep;
  /** Aborts on run cancellation or the run deadline, with an AppError reason saying which. */
  scope: AbortSignal;
  /** Queues an event; the promise resolves when the consumer has room for more. */
  emit: (event: RunEventInput) => Promise<void>;
}

/** A step's result, as the scheduler needs it. */
export type StepOutcome =
  { ok: true; output: string; inputTokens: number; outputTokens: number } | { ok: false };

interface AttemptSuccess {
  ok: true;
  startedAt: number;
  output: string;
  ttftMs: number | null;
  inputTokens: number;
  outputTokens: number;
  cacheStatus: CacheStatus | null;
  stopReason: StopReason;
}

interface AttemptFailure {
  ok: false;
  startedAt: number;
  error: AppError;
  tokensSeen: number;
}

/**
 * Runs one step to its end: attempts, retries with backoff, and exactly one final event
 * (step-end or step-error).
 */
export async function runStep(
  step: CompiledStep,
  content: string,
  rt: StepRuntime,
): Promise<StepOutcome> {
  const request = stepRequest(content, step);
  const cache = stepCacheControl(step, rt.cacheControl);
  const stepStartedAt = rt.now();
  const attempts: AttemptRecord[] = [];
  const maxAttempts = Math.max(1, Math.floor(rt.maxAttempts));

  const fail = (error: AppError): StepOutcome => {
    void rt.emit({
      type: "step-error",
      stepKey: step.key,
      code: error.code,
      message: error.message,
      attempts,
      latencyMs: rt.now() - stepStartedAt,
    });
    return { ok: false };
  };

  for (let attempt = 1; ; attempt += 1) {
    const result = await runAttempt(step, request, cache, attempt, rt);
    attempts.push({
      attempt,
      startedAt: result.startedAt,
      durationMs: rt.now() - result.startedAt,
      ...(result.ok ? {} : { errorCode: result.error.code }),
    });

    if (result.ok) {
      void rt.emit({
        type: "step-end",
        stepKey: step.key,
        output: result.output,
        attempts,
        latencyMs: rt.now() - stepStartedAt,
        ttftMs: result.ttftMs,
        inputTokens: result.inputTokens,
        outputTokens: result.outputTokens,
        cacheStatus: result.cacheStatus,
        stopReason: result.stopReason,
      });
      return {
        ok: true,
        output: result.output,
        inputTokens: result.inputTokens,
        outputTokens: result.outputTokens,
      };
    }

    const { error } = result;
    if (attempt >= maxAttempts || !shouldRetry(error, { tokensSeen: result.tokensSeen })) {
      return fail(error);
    }
    const wait = retryWait(attempt, error, rt.backoff);
    // The upstream wants us gone for longer than we are willing to wait: report its error.
    if (wait.kind === "give-up") return fail(error);

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
    } catch (thrown) {
      return fail(rt.scope.aborted ? abortError(rt.scope) : toAppError(thrown));
    }
  }
}

/** One upstream attempt: breaker, permits, the streamed call, and the mapping of its failure. */
async function runAttempt(
  step: CompiledStep,
  request: ModelRequest,
  cache: CacheControl,
  attempt: number,
  rt: StepRuntime,
): Promise<AttemptSuccess | AttemptFailure> {
  let startedAt = rt.now();
  let permit: BreakerPermit | undefined;
  let release: Release | undefined;
  let timeout: Timeout | undefined;
  let iterator: AsyncIterator<ModelStreamEvent> | undefined;
  let exhausted = false;
  let tokensSeen = 0;

  try {
    const breaker = rt.breakers?.get(step.agent.model);
    // Checked before queueing so an open circuit fails fast, and entered only once the permits
    // are held, so a call queued while the circuit opened does not slip through afterwards.
    breaker?.assertCallable();
    release = await acquireAll(rt.semaphores, rt.scope);
    permit = breaker?.enter();
    startedAt = rt.now();
    const timeoutMs = rt.attemptTimeoutMs;
    timeout = createTimeout(
      timeoutMs,
      () => new AppError("upstream_timeout", `The model did not finish within ${timeoutMs} ms.`),
    );
    const signal = AbortSignal.any([rt.scope, timeout.signal]);
    void rt.emit({ type: "step-start", stepKey: step.key, attempt, at: startedAt });

    let cacheStatus: CacheStatus | null = null;
    const stream = rt.caller(request, {
      signal,
      ...(rt.teamId === undefined ? {} : { teamId: rt.teamId }),
      ...(step.agent.id === undefined ? {} : { agentId: step.agent.id }),
      cache,
      onCacheStatus: (status) => {
        cacheStatus = status;
      },
    });
    iterator = stream[Symbol.asyncIterator]();

    let output = "";
    let ttftMs: number | null = null;
    let inputTokens = 0;
    let outputTokens = 0;
    let stopReason: StopReason = null;
    let stopped = false;

    for (;;) {
      // Raced against the signal so a caller that ignores its signal cannot hang the run.
      const next = await raceAbort(iterator.next(), signal);
      if (next.done) break;
      const event = next.value;
      switch (event.type) {
        case "message_start":
          inputTokens = event.message.usage.input_tokens;
          outputTokens = event.message.usage.output_tokens;
          break;
        case "content_block_delta":
          if (event.delta.type === "text_delta") {
            ttftMs ??= rt.now() - startedAt;
            output += event.delta.text;
            // Counted before the push: from here on the consumer may have seen it.
            tokensSeen += 1;
            await raceAbort(
              rt.emit({ type: "step-delta", stepKey: step.key, text: event.delta.text }),
              signal,
            );
          }
          break;
        case "message_delta":
          stopReason = event.delta.stop_reason;
          // message_delta usage is cumulative for the message, so it replaces rather than adds.
          outputTokens = event.usage.output_tokens;
          // Typed number | null, but replays and simulators may leave it out altogether.
          if (typeof event.usage.input_tokens === "number") inputTokens = event.usage.input_tokens;
          break;
        case "message_stop":
          stopped = true;
          break;
        default:
          break;
      }
    }
    exhausted = true;
    if (!stopped) {
      throw new AppError("stream_interrupted", "The model stream ended before message_stop.");
    }

    permit?.settle();
    return {
      ok: true,
      startedAt,
      output,
      ttftMs,
      inputTokens,
      outputTokens,
      cacheStatus,
      stopReason,
    };
  } catch (thrown) {
    const error = attemptError(thrown, rt.scope, timeout?.signal);
    permit?.settle(error);
    if (tokensSeen > 0 && !isAbort(error)) {
      // Text already reached the consumer, so no retry may follow: report a typed mid-stream error.
      return {
        ok: false,
        startedAt,
        tokensSeen,
        error: new AppError(
          "stream_interrupted",
          `The answer broke off after it had started: ${error.message}`,
          { cause: error, details: { causeCode: error.code } },
        ),
      };
    }
    return { ok: false, startedAt, tokensSeen, error };
  } finally {
    timeout?.clear();
    release?.();
    // Let the caller close its upstream stream; not awaited, it may still be winding down.
    if (iterator && !exhausted) void Promise.resolve(iterator.return?.()).catch(() => {});
  }
}

/** Why the attempt failed, preferring our own abort reasons over whatever the caller threw. */
function attemptError(
  thrown: unknown,
  scope: AbortSignal,
  attemptTimeout: AbortSignal | undefined,
): AppError {
  if (scope.aborted) return abortError(scope);
  if (attemptTimeout?.aborted) return abortError(attemptTimeout);
  return toAppError(thrown);
}

function toAppError(thrown: unknown): AppError {
  if (isAppError(thrown)) return thrown;
  // ModelCallers promise AppErrors; anything else is a bug and is not retried.
  return new AppError("internal", "The model call failed unexpectedly.", { cause: thrown });
}

function isAbort(error: AppError): boolean {
  return error.code === "cancelled" || error.code === "deadline_exceeded";
}
