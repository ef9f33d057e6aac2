/**
 * The live state of one run in the browser, and the reducer that folds the run's event stream
 * (and the stored run) into it. Pure: no React, no fetch.
 *
 * Idempotent over replays: every stream event carries a strictly increasing `seq`, and an event
 * whose seq is not above the last one applied is ignored, so a reconnect that replays from the
 * start changes nothing.
 */
import type { ErrorCode } from "@/lib/errors";
import type { RunDetail, RunMode, RunStatus, RunStepView, StepStatus } from "@/lib/runs/run-view";
import type { RunStreamEvent } from "@/lib/runs/stream-events";

/** What a step panel shows: the stored statuses plus "retrying" between attempts. */
export type LiveStepStatus = StepStatus | "retrying";

export interface LiveStep {
  key: string;
  agentName: string;
  model: string;
  dependsOn: string[];
  status: LiveStepStatus;
  output: string;
  /** Attempts started so far (or recorded, once the step ended). */
  attempts: number;
  /** Set while the step waits to retry. */
  retry: { attempt: number; errorCode: ErrorCode | string; delayMs: number } | null;
  errorCode: string | null;
  errorMessage: string | null;
  cacheStatus: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  /** Epoch ms the current attempt began; lets the panel tick while it runs. */
  startedAtMs: number | null;
}

/** The stream connection: "reconnecting" after an error until events flow again. */
export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export interface LiveRun {
  id: string;
  /** The last stream seq applied; 0 before any. */
  lastSeq: number;
  mode: RunMode | null;
  task: string | null;
  status: RunStatus;
  rerunOfId: string | null;
  errorMessage: string | null;
  createdAt: string | null;
  startedAtMs: number | null;
  endedAtMs: number | null;
  latencyMs: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  steps: LiveStep[];
  connection: ConnectionState;
}

export type RunAction =
  | { type: "event"; event: RunStreamEvent; receivedAt?: number }
  | { type: "detail"; run: RunDetail }
  | { type: "connection"; state: ConnectionState };

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = [
  "succeeded",
  "partial",
  "failed",
  "cancelled",
  "interrupted",
];

export function isRunOver(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}

export function initialRunState(id: string): LiveRun {
  return {
    id,
    lastSeq: 0,
    mode: null,
    task: null,
    status: "queued",
    rerunOfId: null,
    errorMessage: null,
    createdAt: null,
    startedAtMs: null,
    endedAtMs: null,
    latencyMs: null,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: null,
    steps: [],
    connection: "idle",
  };
}

const epoch = (iso: string | null): number | null => (iso ? Date.parse(iso) : null);

function stepFromView(step: RunStepView): LiveStep {
  return {
    key: step.key,
    agentName: step.agentName,
    model: step.agent.model,
    dependsOn: step.dependsOn,
    status: step.status,
    output: step.output,
    attempts: step.attempts,
    retry: null,
    errorCode: step.errorCode,
    errorMessage: step.errorMessage,
    cacheStatus: step.cacheStatus,
    latencyMs: step.latencyMs,
    ttftMs: step.ttftMs,
    inputTokens: step.inputTokens,
    outputTokens: step.outputTokens,
    costUsd: step.costUsd,
    startedAtMs: epoch(step.startedAt),
  };
}

/** Replaces everything with the stored run, keeping the stream position. */
function fromDetail(state: LiveRun, run: RunDetail): LiveRun {
  return {
    ...state,
    mode: run.mode,
    task: run.task,
    status: run.status,
    rerunOfId: run.rerunOfId,
    errorMessage: run.errorMessage,
    createdAt: run.createdAt,
    startedAtMs: epoch(run.startedAt),
    endedAtMs: epoch(run.endedAt),
    latencyMs: run.latencyMs,
    inputTokens: run.inputTokens,
    outputTokens: run.outputTokens,
    // Until the run ends, its stored cost covers only some steps: sum the steps' instead.
    costUsd: isRunOver(run.status) ? run.costUsd : null,
    steps: [...run.steps].sort((a, b) => a.position - b.position).map(stepFromView),
  };
}

function pendingStep(s: { key: string; agentName: string; model: string; dependsOn: string[] }) {
  return {
    ...s,
    status: "pending",
    output: "",
    attempts: 0,
    retry: null,
    errorCode: null,
    errorMessage: null,
    cacheStatus: null,
    latencyMs: null,
    ttftMs: null,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: null,
    startedAtMs: null,
  } satisfies LiveStep;
}

function updateStep(state: LiveRun, key: string, patch: (step: LiveStep) => LiveStep): LiveRun {
  return { ...state, steps: state.steps.map((s) => (s.key === key ? patch(s) : s)) };
}

function applyEvent(state: LiveRun, event: RunStreamEvent, now: number): LiveRun {
  switch (event.type) {
    case "run-snapshot":
      return fromDetail(state, event.run);
    case "run-start":
      // The stream replays from the start: rebuild the steps rather than append to stored output.
      return {
        ...state,
        status: "running",
        startedAtMs: state.startedAtMs ?? event.at,
        endedAtMs: null,
        steps: event.steps.map(pendingStep),
      };
    case "step-start":
      return updateStep(state, event.stepKey, (s) => ({
        ...s,
        status: "running",
        attempts: Math.max(s.attempts, event.attempt),
        retry: null,
        startedAtMs: s.startedAtMs ?? event.at,
      }));
    case "step-delta":
      return updateStep(state, event.stepKey, (s) => ({
        ...s,
        status: s.status === "pending" ? "running" : s.status,
        output: s.output + event.text,
      }));
    case "step-retry":
      return updateStep(state, event.stepKey, (s) => ({
        ...s,
        status: "retrying",
        attempts: Math.max(s.attempts, event.attempt),
        retry: { attempt: event.attempt, errorCode: event.errorCode, delayMs: event.delayMs },
      }));
    case "step-end":
      return updateStep(state, event.stepKey, (s) => ({
        ...s,
        status: "succeeded",
        output: event.output,
        attempts: event.attempts.length || s.attempts,
        retry: null,
        cacheStatus: event.cacheStatus,
        latencyMs: event.latencyMs,
        ttftMs: event.ttftMs,
        inputTokens: event.inputTokens,
        outputTokens: event.outputTokens,
      }));
    case "step-error":
      return updateStep(state, event.stepKey, (s) => ({
        ...s,
        status: event.skipped ? "skipped" : event.code === "cancelled" ? "cancelled" : "failed",
        attempts: event.attempts.length || s.attempts,
        retry: null,
        errorCode: event.code,
        errorMessage: event.message,
        latencyMs: event.latencyMs,
      }));
    case "run-end":
      return {
        ...state,
        status: event.status,
        latencyMs: event.latencyMs,
        endedAtMs: state.startedAtMs !== null ? state.startedAtMs + event.latencyMs : now,
        inputTokens: event.inputTokens,
        outputTokens: event.outputTokens,
        steps: state.steps.map((s) =>
          s.status === "pending" || s.status === "running" || s.status === "retrying"
            ? { ...s, status: "cancelled", retry: null }
            : s,
        ),
      };
    case "run-interrupted":
      return { ...state, status: "interrupted", errorMessage: event.message, endedAtMs: now };
  }
}

export function runReducer(state: LiveRun, action: RunAction): LiveRun {
  switch (action.type) {
    case "connection":
      return state.connection === action.state ? state : { ...state, connection: action.state };
    case "detail":
      // Before any event, or once the run is over (the stored run then has costs the stream
      // lacks), the stored run is the truth. Mid-stream, the stream is ahead of it.
      if (state.lastSeq === 0 || isRunOver(action.run.status)) return fromDetail(state, action.run);
      return {
        ...state,
        task: action.run.task,
        mode: action.run.mode,
        createdAt: action.run.createdAt,
      };
    case "event": {
      if (action.event.seq <= state.lastSeq) return state;
      const next = applyEvent(state, action.event, action.receivedAt ?? Date.now());
      return { ...next, lastSeq: action.event.seq };
    }
  }
}

/** Live totals: tokens of the steps so far while running, the run's own once it has ended. */
export function runTotals(run: LiveRun): { tokens: number; costUsd: number | null } {
  const stepTokens = run.steps.reduce((n, s) => n + s.inputTokens + s.outputTokens, 0);
  const tokens = Math.max(run.inputTokens + run.outputTokens, stepTokens);
  const stepCosts = run.steps.map((s) => s.costUsd).filter((c): c is number => c !== null);
  const costUsd = run.costUsd ?? (stepCosts.length ? stepCosts.reduce((a, b) => a + b, 0) : null);
  return { tokens, costUsd };
}
