import { AppError, isAppError } from "@/lib/errors";
import type { TokenUsage } from "@/lib/llm/usage";
import type {
  CacheControl,
  CacheStatus,
  ModelCaller,
  ModelRequest,
  ModelStreamEvent,
} from "@/lib/llm/types";
import { type Timeout, abortError, createTimeout } from "@/lib/async";
import type { PartialAnswer, RunEventInput, StopReason } from "./events";
import type { CompiledStep } from "./plan";
import { newTally, readAnswer, type Tally } from "./read-answer";
import { acquireAll, type Release, type Semaphore } from "./semaphore";

/** What one attempt needs from its run. */
export interface AttemptRuntime {
  caller: ModelCaller;
  /** Acquired in this order for each attempt: the run's limit, then the process-wide one. */
  semaphores: Semaphore[];
  attemptTimeoutMs: number;
  teamId: string | undefined;
  now: () => number;
  /** Aborts on run cancellation or the run deadline, with an AppError reason saying which. */
  scope: AbortSignal;
  /** Queues an event; the promise resolves when the consumer has room for more. */
  emit: (event: RunEventInput) => Promise<void>;
}

/** What one attempt sends, and how. */
export interface AttemptCall {
  /** The step's request; its `model` is the one this attempt calls (the agent's or a fallback). */
  request: ModelRequest;
  cache: CacheControl;
  /** Bounds the wait for outbound room (set while a fallback is left to switch to). */
  outboundMaxWaitMs?: number;
}

export interface AttemptSuccess {
  ok: true;
  startedAt: number;
  /** The model that answered. */
  model: string;
  output: string;
  ttftMs: number | null;
  inputTokens: number;
  outputTokens: number;
  usage: TokenUsage;
  cacheStatus: CacheStatus | null;
  stopReason: StopReason;
}

export interface AttemptFailure {
  ok: false;
  startedAt: number;
  error: AppError;
  tokensSeen: number;
  /** The text streamed before the failure, when there was any (never retried, so it is kept). */
  partial?: PartialAnswer;
}

/** One upstream attempt: permits, the streamed call, and the mapping of its failure. */
export async function runAttempt(
  step: CompiledStep,
  call: AttemptCall,
  attempt: number,
  rt: AttemptRuntime,
): Promise<AttemptSuccess | AttemptFailure> {
  const { request, cache } = call;
  let startedAt = rt.now();
  let release: Release | undefined;
  let timeout: Timeout | undefined;
  let iterator: AsyncIterator<ModelStreamEvent> | undefined;
  let exhausted = false;
  const tally = newTally();
  let cacheStatus: CacheStatus | null = null;

  try {
    release = await acquireAll(rt.semaphores, rt.scope);
    startedAt = rt.now();
    const timeoutMs = rt.attemptTimeoutMs;
    timeout = createTimeout(
      timeoutMs,
      () => new AppError("upstream_timeout", `The model did not finish within ${timeoutMs} ms.`),
    );
    const signal = AbortSignal.any([rt.scope, timeout.signal]);
    void rt.emit({ type: "step-start", stepKey: step.key, attempt, at: startedAt });

    const stream = rt.caller(request, {
      signal,
      ...(rt.teamId === undefined ? {} : { teamId: rt.teamId }),
      ...(step.agent.id === undefined ? {} : { agentId: step.agent.id }),
      ...(call.outboundMaxWaitMs === undefined
        ? {}
        : { outboundMaxWaitMs: call.outboundMaxWaitMs }),
      cache,
      onCacheStatus: (status) => {
        cacheStatus = status;
      },
    });
    iterator = stream[Symbol.asyncIterator]();
    await readAnswer(iterator, signal, {
      stepKey: step.key,
      now: rt.now,
      emit: rt.emit,
      startedAt,
      tally,
    });
    exhausted = true;
    if (!tally.stopped) {
      throw new AppError("stream_interrupted", "The model stream ended before message_stop.");
    }

    const { output, ttftMs, inputTokens, outputTokens, usage, stopReason } = tally;
    return {
      ok: true,
      startedAt,
      model: request.model,
      output,
      ttftMs,
      inputTokens,
      outputTokens,
      usage,
      cacheStatus,
      stopReason,
    };
  } catch (thrown) {
    const error = attemptError(thrown, rt.scope, timeout?.signal);
    const failure = failedAttempt(error, startedAt, tally.tokensSeen);
    return tally.tokensSeen > 0
      ? { ...failure, partial: partialAnswer(tally, cacheStatus, request.model) }
      : failure;
  } finally {
    timeout?.clear();
    release?.();
    // Let the caller close its upstream stream; not awaited, it may still be winding down.
    if (iterator && !exhausted) void Promise.resolve(iterator.return?.()).catch(() => {});
  }
}

/**
 * What a broken attempt billed. Its final usage (message_delta) never came, so the output count
 * is at least the text deltas seen: an estimate, never the "0" that made a billed call look free.
 */
function partialAnswer(
  tally: Tally,
  cacheStatus: CacheStatus | null,
  model: string,
): PartialAnswer {
  const outputTokens = Math.max(tally.outputTokens, tally.tokensSeen);
  return {
    output: tally.output,
    ttftMs: tally.ttftMs,
    inputTokens: tally.inputTokens,
    outputTokens,
    usage: { ...tally.usage, inputTokens: tally.inputTokens, outputTokens },
    cacheStatus,
    model,
  };
}

/** A failed attempt; once text reached the consumer, a typed mid-stream error that is never retried. */
function failedAttempt(error: AppError, startedAt: number, tokensSeen: number): AttemptFailure {
  if (tokensSeen > 0 && !isAbort(error)) {
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

export function toAppError(thrown: unknown): AppError {
  if (isAppError(thrown)) return thrown;
  // ModelCallers promise AppErrors; anything else is a bug and is not retried.
  return new AppError("internal", "The model call failed unexpectedly.", { cause: thrown });
}

function isAbort(error: AppError): boolean {
  return error.code === "cancelled" || error.code === "deadline_exceeded";
}
