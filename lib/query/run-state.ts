/**
 * The live state of one run in the browser, and the reducer that folds the run's event stream
 * (and the stored run) into it. Pure: no React, no fetch.
 *
 * Idempotent over replays: every stream event carries a strictly increasing `seq`, and an event
 * whose seq is not above the last one applied is ignored, so a reconnect that replays from the
 * start changes nothing.
 */
import type { ErrorCode } from "@/lib/errors";
import type { StopReason } from "@/lib/orchestrator";
import type { RunDetail, RunMode, RunStatus, StepStatus } from "@/lib/runs/run-view";
import { isFinished } from "@/lib/runs/status";
import { interruptRun } from "./interrupted-steps";
import { keepLiveStopReason, partialFields, pendingStep, stepFromView } from "./live-step";
import type { RunStreamEvent } from "@/lib/runs/stream-events";

/**
 * What a step panel shows: the stored statuses, "retrying" between attempts, and "interrupted"
 * for a step the server stopped (stored as cancelled with code interrupted; see stepStatusOf).
 */
export type LiveStepStatus = StepStatus | "retrying" | "interrupted";

export interface LiveStep {
  key: string;
  agentName: string;
  model: string;
  dependsOn: string[];
  status: LiveStepStatus;
  output: string;
  /** The step stopped before it finished; `output` is what it had streamed (issue 13 #3). */
  partial: boolean;
  /** Not called: its answer was copied from the run this one retries. */
  copied: boolean;
  /** Attempts started so far (or recorded, once the step ended). */
  attempts: number;
  /** Set while the step waits to retry; `model` when the next attempt switches to a fallback. */
  retry: { attempt: number; errorCode: ErrorCode | string; delayMs: number; model?: string } | null;
  errorCode: string | null;
  errorMessage: string | null;
  cacheStatus: string | null;
  latencyMs: number | null;
  ttftMs: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  /** Why the model stopped; null until the step ends (or when the stored run lacks it). */
  stopReason: StopReason | null;
  /** The model that answered (the agent's or a fallback); null until the step has an answer. */
  answeredModel: string | null;
  /** Epoch ms the current attempt began; lets the panel tick while it runs. */
  startedAtMs: number | null;
  /**
   * Browser-clock ms from the attempt's start to its first text, measured while streaming live;
   * null on a replay (the events then arrive long after they happened) and before any text.
   */
  liveTtftMs: number | null;
  /** Browser-clock ms the current attempt was seen starting; null when it was not seen live. */
  attemptSeenAtMs: number | null;
}

/** The stream connection: "reconnecting" after an error until events flow again. */
export type ConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export interface LiveRun {
  id: string;
  /** The last stream seq applied; 0 before any. */
  lastSeq: number;
  mode: RunMode | null;
  task: string | null;
  /** The run's name (the team's, or the task's first words); null until the stored run loads. */
  title: string | null;
  /** The team named it. */
  titled: boolean;
  /** The run's tags; [] until the stored run loads. */
  tags: string[];
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

/** A step-start that reaches the browser later than this after it happened is a replay. */
export const LIVE_EVENT_SLACK_MS = 3_000;

export function initialRunState(id: string): LiveRun {
  return {
    id,
    lastSeq: 0,
    mode: null,
    task: null,
    title: null,
    titled: false,
    tags: [],
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

/** Replaces everything with the stored run, keeping the stream position. */
function fromDetail(state: LiveRun, run: RunDetail): LiveRun {
  return {
    ...state,
    mode: run.mode,
    task: run.task,
    title: run.title,
    titled: run.titled,
    tags: run.tags,
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
    costUsd: isFinished(run.status) ? run.costUsd : null,
    steps: [...run.steps]
      .sort((a, b) => a.position - b.position)
      .map((view) => keepLiveStopReason(stepFromView(view), state.steps)),
  };
}

function updateStep(state: LiveRun, key: string, patch: (step: LiveStep) => LiveStep): LiveRun {
  return { ...state, steps: state.steps.map((s) => (s.key === key ? patch(s) : s)) };
}

/** What a step panel says while the step waits for its next attempt. */
function retryOf(event: Extract<RunStreamEvent, { type: "step-retry" }>): LiveStep["retry"] {
  const { attempt, errorCode, delayMs, model } = event;
  return { attempt, errorCode, delayMs, ...(model === undefined ? {} : { model }) };
}

/** A step once its step-end arrived (answered, or copied from the run this one retries). */
function succeededStep(
  s: LiveStep,
  event: Extract<RunStreamEvent, { type: "step-end" }>,
): LiveStep {
  return {
    ...s,
    status: "succeeded",
    output: event.output,
    copied: event.copied === true,
    attempts: event.attempts.length || s.attempts,
    retry: null,
    cacheStatus: event.cacheStatus,
    latencyMs: event.latencyMs,
    ttftMs: event.ttftMs,
    inputTokens: event.inputTokens,
    outputTokens: event.outputTokens,
    stopReason: event.stopReason,
    answeredModel: event.model ?? s.model,
  };
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
        // Remember when this attempt began on our clock, only if we see it as it happens.
        attemptSeenAtMs: now - event.at <= LIVE_EVENT_SLACK_MS ? now : null,
      }));
    case "step-delta":
      return updateStep(state, event.stepKey, (s) => ({
        ...s,
        status: s.status === "pending" ? "running" : s.status,
        output: s.output + event.text,
        liveTtftMs:
          s.output === "" && s.attemptSeenAtMs !== null ? now - s.attemptSeenAtMs : s.liveTtftMs,
      }));
    case "step-retry":
      return updateStep(state, event.stepKey, (s) => ({
        ...s,
        status: "retrying",
        attempts: Math.max(s.attempts, event.attempt),
        retry: retryOf(event),
      }));
    case "step-end":
      return updateStep(state, event.stepKey, (s) => succeededStep(s, event));
    case "step-error":
      return updateStep(state, event.stepKey, (s) => ({
        ...s,
        status: event.skipped ? "skipped" : event.code === "cancelled" ? "cancelled" : "failed",
        attempts: event.attempts.length || s.attempts,
        retry: null,
        errorCode: event.code,
        errorMessage: event.message,
        latencyMs: event.latencyMs,
        ...(event.partial ? partialFields(event.partial) : {}),
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
      return interruptRun(state, event.message, now);
    case "run-resumed":
      // Another server took the run over; its run-start (next) rebuilds the steps.
      return { ...state, status: "running", endedAtMs: null };
  }
}

export function runReducer(state: LiveRun, action: RunAction): LiveRun {
  switch (action.type) {
    case "connection":
      return state.connection === action.state ? state : { ...state, connection: action.state };
    case "detail":
      // Before any event, or once the run is over (the stored run then has costs the stream
      // lacks), the stored run is the truth. Mid-stream, the stream is ahead of it.
      if (state.lastSeq === 0 || isFinished(action.run.status))
        return fromDetail(state, action.run);
      return {
        ...state,
        task: action.run.task,
        title: action.run.title,
        titled: action.run.titled,
        tags: action.run.tags,
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
