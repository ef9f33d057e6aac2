/** A run's step in the browser: built from the stored run, from run-start, or from a partial answer. */
import type { PartialAnswer } from "@/lib/orchestrator";
import type { RunStepView } from "@/lib/runs/run-view";
import { stepStatusOf } from "./interrupted-steps";
import type { LiveStep } from "./run-state";

const epoch = (iso: string | null): number | null => (iso ? Date.parse(iso) : null);

export function stepFromView(step: RunStepView): LiveStep {
  return {
    key: step.key,
    agentName: step.agentName,
    model: step.agent.model,
    dependsOn: step.dependsOn,
    status: stepStatusOf(step),
    output: step.output,
    partial: step.partial,
    copied: step.copied,
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
    stopReason: step.stopReason ?? null,
    answeredModel: step.answeredModel ?? null,
    startedAtMs: epoch(step.startedAt),
    liveTtftMs: null,
    attemptSeenAtMs: null,
  };
}

/**
 * Steps stored before the stop reason was kept have none: a stored run read after the stream
 * ended must not erase what the stream showed.
 */
export function keepLiveStopReason(step: LiveStep, previous: readonly LiveStep[]): LiveStep {
  if (step.stopReason !== null) return step;
  const live = previous.find((s) => s.key === step.key)?.stopReason ?? null;
  return live === null ? step : { ...step, stopReason: live };
}

export function pendingStep(s: {
  key: string;
  agentName: string;
  model: string;
  dependsOn: string[];
}) {
  return {
    ...s,
    status: "pending",
    output: "",
    partial: false,
    copied: false,
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
    stopReason: null,
    answeredModel: null,
    startedAtMs: null,
    liveTtftMs: null,
    attemptSeenAtMs: null,
  } satisfies LiveStep;
}

/** A step that stopped mid-answer keeps the text it streamed and what that call billed. */
export function partialFields(partial: PartialAnswer) {
  return {
    partial: true,
    output: partial.output,
    ttftMs: partial.ttftMs,
    inputTokens: partial.inputTokens,
    outputTokens: partial.outputTokens,
    cacheStatus: partial.cacheStatus,
  } satisfies Partial<LiveStep>;
}
