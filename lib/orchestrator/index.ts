/**
 * The orchestrator: runs a plan of agents against a ModelCaller and streams RunEvents.
 *
 * It owns the resilience rules of docs/architecture.md — retries (retry-policy, backoff), per-attempt
 * and per-run timeouts (AbortSignal), FIFO concurrency limits (a process-wide semaphore the app
 * creates once, plus one per run), and per-model circuit breakers — and nothing else: no HTTP,
 * no Next.js, no database, no process.env. Every option is passed in.
 *
 * The app creates `createSemaphore(n)` and `createBreakerRegistry()` once per process, then for
 * each run iterates `runPlan(plan, { runId, caller, semaphore, breakers, signal, … })` and encodes
 * the events at the edge (SSE id = event.seq). Breaking out of the loop cancels the run.
 */
export { runPlan, type RunOptions } from "./run-orchestrator";
export type { CompletedStep } from "./completed-steps";
export { stepContent, stepRequest } from "./step-request";
export {
  compilePlan,
  type AgentSnapshot,
  type ChainPlan,
  type CompiledPlan,
  type CompiledStep,
  type DagPlan,
  type DagStep,
  type ParallelPlan,
  type Plan,
} from "./plan";
export type {
  AttemptRecord,
  PartialAnswer,
  RunEndEvent,
  RunEvent,
  RunStartEvent,
  RunStatus,
  StepDeltaEvent,
  StepEndEvent,
  StepErrorEvent,
  StepRetryEvent,
  StepStartEvent,
  StopReason,
} from "./events";
export {
  acquireAll,
  createSemaphore,
  type Release,
  type Semaphore,
  type SemaphoreStats,
} from "./semaphore";
export {
  createFairSemaphore,
  type FairSemaphore,
  type FairSemaphoreOptions,
  type FairSemaphoreStats,
  type Tenant,
} from "./fair-semaphore";
export {
  createBreakerRegistry,
  createCircuitBreaker,
  isBreakerFailure,
  type BreakerOptions,
  type BreakerPermit,
  type BreakerRegistry,
  type BreakerSnapshot,
  type BreakerState,
  type CircuitBreaker,
} from "./circuit-breaker";
export { withBreakers } from "./breaker-caller";
export {
  BACKOFF_DEFAULTS,
  backoffDelay,
  retryWait,
  type BackoffOptions,
  type RetryWait,
} from "./backoff";
export {
  classifyFailure,
  shouldRetry,
  type FailureContext,
  type RetryDecision,
} from "./retry-policy";
// The shared async helpers live in lib/async; re-exported as part of the orchestrator's options.
export { abortableSleep, anySignal, createTimeout, type Sleep, type Timeout } from "@/lib/async";
