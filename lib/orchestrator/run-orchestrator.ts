import { AppError } from "@/lib/errors";
import type { CacheControl, ModelCaller } from "@/lib/llm/types";
import { type Sleep, abortError, abortableSleep, createTimeout } from "@/lib/async";
import { AsyncQueue } from "./async-queue";
import type { BackoffOptions } from "./backoff";
import { type CompletedStep, endCompleted } from "./completed-steps";
import type { RunEvent, RunEventInput, RunStatus } from "./events";
import { compilePlan, type CompiledPlan, type CompiledStep, type Plan } from "./plan";
import { runStep, type StepOutcome, type StepRuntime } from "./run-step";
import { createSemaphore, type Semaphore } from "./semaphore";
import { stepContent } from "./step-request";

export interface RunOptions {
  /** Stamped on every event. */
  runId: string;
  /**
   * Answers model calls: the provider, usually behind the response cache, with the per-model
   * circuit breakers (withBreakers) between the cache and the upstream.
   */
  caller: ModelCaller;
  /** The process-wide limit on concurrent upstream calls, shared by all runs. */
  semaphore: Semaphore;
  /**
   * The most upstream calls this run may have in flight at once.
   * @default 4
   */
  runConcurrency?: number;
  /**
   * Longest time one attempt may take, from holding its permits to message_stop.
   * @default 60000
   */
  attemptTimeoutMs?: number;
  /**
   * Longest time the whole run may take; past it, unfinished steps end with deadline_exceeded.
   * @default 600000
   */
  runDeadlineMs?: number;
  /**
   * Attempts per step, the first included.
   * @default 3
   */
  maxAttempts?: number;
  /**
   * While a step has a fallback model left, the longest its call waits for outbound room before
   * it switches to the next model instead. Steps without fallbacks wait within the deadline.
   * @default 10000
   */
  fallbackMaxWaitMs?: number;
  /** Spacing of retries. @default BACKOFF_DEFAULTS */
  backoff?: BackoffOptions;
  /** Cancels the run: every in-flight call is aborted and the run ends "cancelled". */
  signal?: AbortSignal;
  /** The tenant; scopes cache keys and statistics. */
  teamId?: string;
  /** Cache control for every call of the run (agents that disable caching still bypass). */
  cacheControl?: CacheControl;
  /** The clock, in epoch ms. @default Date.now */
  now?: () => number;
  /** Waits between attempts; must honour its signal. @default abortableSleep */
  sleep?: Sleep;
  /**
   * Wraps each step's work, so the caller can tie what happens inside (log lines, trace spans)
   * to the step without the orchestrator knowing of either.
   */
  aroundStep?: <T>(stepKey: string, work: () => Promise<T>) => Promise<T>;
  /** Wraps each attempt of a step (its permit wait and model call), as aroundStep does. */
  aroundAttempt?: <T>(stepKey: string, attempt: number, work: () => Promise<T>) => Promise<T>;
  /**
   * Steps that are already done, by key (a retry of an earlier run's failed steps): they are not
   * called, each ends at once with a `step-end` marked `copied`, and their outputs feed their
   * dependants like any answer. Their tokens are not counted: this run did not bill them.
   * Keys not in the plan are ignored.
   */
  completed?: ReadonlyMap<string, CompletedStep>;
  /**
   * The seq the run's events continue after: a run resumed by another process continues the
   * event log its viewers read, so its first event here is `afterSeq + 1`.
   * @default 0
   */
  afterSeq?: number;
}

/**
 * Runs a plan and streams its events. The plan is validated at once (throwing
 * AppError("validation_failed")), unless it is one compilePlan already returned (a caller that
 * validated it before storing it passes that, so it is compiled once). The run itself starts when
 * iteration starts, and only one iteration is allowed. Leaving the loop early (break, return,
 * throw) cancels the run, and the loop exits only after every upstream call has been aborted and
 * every permit given back.
 */
export function runPlan(plan: Plan | CompiledPlan, options: RunOptions): AsyncIterable<RunEvent> {
  const compiled = "mode" in plan ? compilePlan(plan) : plan;
  let iterated = false;
  return {
    [Symbol.asyncIterator]() {
      if (iterated) throw new Error(`Run ${options.runId} can be iterated only once.`);
      iterated = true;
      return startRun(compiled, options);
    },
  };
}

function startRun(plan: CompiledPlan, options: RunOptions): AsyncIterableIterator<RunEvent> {
  const cancel = new AbortController();
  // Assigned once, after the queue whose onReturn awaits it exists.
  // eslint-disable-next-line prefer-const
  let driver: Promise<void> | undefined;
  const queue = new AsyncQueue<RunEvent>({
    onReturn: async () => {
      cancel.abort(new AppError("cancelled", "The run's consumer stopped reading."));
      await driver;
    },
  });
  driver = drive(plan, options, queue, cancel).catch((error: unknown) => queue.close(error));
  return queue;
}

async function drive(
  plan: CompiledPlan,
  options: RunOptions,
  queue: AsyncQueue<RunEvent>,
  cancel: AbortController,
): Promise<void> {
  const { runId } = options;
  const now = options.now ?? Date.now;
  const runStartedAt = now();
  let seq = options.afterSeq ?? 0;
  // seq is assigned here, at enqueue time, so it follows the order the consumer reads.
  const emit = (event: RunEventInput): Promise<void> =>
    queue.push({ ...event, runId, seq: ++seq } as RunEvent);

  const external = options.signal;
  const onExternalAbort = () =>
    cancel.abort(new AppError("cancelled", "The run was cancelled.", { cause: external?.reason }));
  if (external?.aborted) onExternalAbort();
  else external?.addEventListener("abort", onExternalAbort, { once: true });

  const deadlineMs = options.runDeadlineMs ?? 600_000;
  const deadline = createTimeout(
    deadlineMs,
    () => new AppError("deadline_exceeded", `The run did not finish within ${deadlineMs} ms.`),
  );
  // Its reason is the first AppError to fire: "cancelled" or "deadline_exceeded".
  const scope = AbortSignal.any([cancel.signal, deadline.signal]);

  const runtime: StepRuntime = {
    caller: options.caller,
    semaphores: [createSemaphore(options.runConcurrency ?? 4), options.semaphore],
    attemptTimeoutMs: options.attemptTimeoutMs ?? 60_000,
    maxAttempts: options.maxAttempts ?? 3,
    fallbackMaxWaitMs: options.fallbackMaxWaitMs ?? 10_000,
    backoff: options.backoff ?? {},
    teamId: options.teamId,
    cacheControl: options.cacheControl,
    now,
    sleep: options.sleep ?? abortableSleep,
    scope,
    emit,
    aroundStep: options.aroundStep,
    aroundAttempt: options.aroundAttempt,
  };

  try {
    void emit({
      type: "run-start",
      at: runStartedAt,
      steps: plan.steps.map((step) => ({
        key: step.key,
        agentName: step.agent.name,
        model: step.agent.model,
        dependsOn: [...step.dependsOn],
      })),
    });

    const outcomes = await schedule(plan, runtime, options.completed);
    void emit({
      type: "run-end",
      ...summarize(outcomes, cancel.signal.aborted),
      latencyMs: now() - runStartedAt,
    });
    queue.close();
  } finally {
    deadline.clear();
    external?.removeEventListener("abort", onExternalAbort);
  }
}

/** The run's status and token totals from its steps' outcomes. */
function summarize(
  outcomes: Map<string, StepOutcome>,
  cancelled: boolean,
): { status: RunStatus; inputTokens: number; outputTokens: number } {
  let inputTokens = 0;
  let outputTokens = 0;
  let succeeded = 0;
  for (const outcome of outcomes.values()) {
    if (!outcome.ok) continue;
    succeeded += 1;
    inputTokens += outcome.inputTokens;
    outputTokens += outcome.outputTokens;
  }
  const status: RunStatus = cancelled
    ? "cancelled"
    : succeeded === outcomes.size
      ? "succeeded"
      : succeeded > 0
        ? "partial"
        : "failed";
  return { status, inputTokens, outputTokens };
}

/**
 * Ends the `completed` steps at once (copied, not called), then starts each other step as soon
 * as all its dependencies have succeeded; the per-run and global
 * semaphores, not this loop, bound how many call upstream at once. A step whose dependency failed
 * is skipped (step-error, code "cancelled", skipped: true); once the run is cancelled or past its
 * deadline, every step not yet started ends with that reason. Resolves when every step has ended.
 */
function schedule(
  plan: CompiledPlan,
  rt: StepRuntime,
  completed: ReadonlyMap<string, CompletedStep> = new Map(),
): Promise<Map<string, StepOutcome>> {
  const outcomes = new Map<string, StepOutcome>();
  const outputs = new Map<string, { agentName: string; output: string }>();
  const running = new Set<string>();

  return new Promise((resolve) => {
    const end = (step: CompiledStep, outcome: StepOutcome) => {
      outcomes.set(step.key, outcome);
      if (outcome.ok) outputs.set(step.key, { agentName: step.agent.name, output: outcome.output });
    };
    endCompleted(plan, completed, rt.emit, end);
    const notRun = (step: CompiledStep, error: AppError, skipped: boolean) => {
      void rt.emit({
        type: "step-error",
        stepKey: step.key,
        code: error.code,
        message: error.message,
        attempts: [],
        latencyMs: 0,
        ...(skipped ? { skipped: true as const } : {}),
      });
      end(step, { ok: false });
    };
    const start = (step: CompiledStep) => {
      running.add(step.key);
      const work = () => runStep(step, stepContent(plan.task, step, outputs), rt);
      const run = async () => (rt.aroundStep ? rt.aroundStep(step.key, work) : work());
      run()
        .catch((error: unknown): StepOutcome => {
          // A bug, not an upstream outcome: still end the step with exactly one event.
          void rt.emit({
            type: "step-error",
            stepKey: step.key,
            code: "internal",
            message: error instanceof Error ? error.message : "The step failed unexpectedly.",
            attempts: [],
            latencyMs: 0,
          });
          return { ok: false };
        })
        .then((outcome) => {
          running.delete(step.key);
          end(step, outcome);
          pump();
        });
    };
    const pump = () => {
      // plan.steps is in topological order, so a skip cascades to dependents in this same pass.
      for (const step of plan.steps) {
        if (outcomes.has(step.key) || running.has(step.key)) continue;
        if (rt.scope.aborted) {
          notRun(step, abortError(rt.scope), false);
          continue;
        }
        const failed = step.dependsOn.find((key) => outcomes.get(key)?.ok === false);
        if (failed !== undefined) {
          notRun(
            step,
            new AppError("cancelled", `Skipped because step "${failed}" did not succeed.`),
            true,
          );
          continue;
        }
        if (step.dependsOn.every((key) => outcomes.get(key)?.ok === true)) start(step);
      }
      if (outcomes.size === plan.steps.length) resolve(outcomes);
    };
    pump();
  });
}
