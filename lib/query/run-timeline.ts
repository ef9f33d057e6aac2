/**
 * A run's timeline as the browser draws it: each step's phases on one time axis (queued, every
 * attempt and its error, backoff between attempts, streaming, end). Pure: from the stored run.
 */
import type { RunDetail, RunStepView } from "@/lib/runs/run-view";

export type PhaseKind = "queued" | "attempt-failed" | "waiting" | "backoff" | "streaming";

export interface Phase {
  kind: PhaseKind;
  /** ms from the axis's start. */
  startMs: number;
  durationMs: number;
  /** What the phase was, in words (for the list under the bar and the bar's title). */
  label: string;
}

export interface StepTimeline {
  key: string;
  phases: Phase[];
  /** ms from the axis's start, or null when the step never ended (still running). */
  endMs: number | null;
}

const epoch = (iso: string | null) => (iso ? Date.parse(iso) : null);

function attemptPhases(step: RunStepView, t0: number): Phase[] {
  const phases: Phase[] = [];
  let previousEnd: number | null = null;
  const log = step.attemptLog ?? [];
  log.forEach((a, i) => {
    const start = a.startedAt - t0;
    if (previousEnd !== null && start > previousEnd) {
      phases.push({
        kind: "backoff",
        startMs: previousEnd,
        durationMs: start - previousEnd,
        label: `Backed off ${Math.round(start - previousEnd)} ms before attempt ${a.attempt}`,
      });
    }
    const last = i === log.length - 1;
    if (a.errorCode) {
      phases.push({
        kind: "attempt-failed",
        startMs: start,
        durationMs: a.durationMs,
        label: `Attempt ${a.attempt} failed after ${Math.round(a.durationMs)} ms: ${a.errorCode}`,
      });
    } else if (last && step.ttftMs !== null) {
      const ttft = Math.min(step.ttftMs, a.durationMs);
      phases.push({
        kind: "waiting",
        startMs: start,
        durationMs: ttft,
        label: `Attempt ${a.attempt}: first text after ${Math.round(ttft)} ms`,
      });
      phases.push({
        kind: "streaming",
        startMs: start + ttft,
        durationMs: a.durationMs - ttft,
        label: `Streamed the answer for ${Math.round(a.durationMs - ttft)} ms`,
      });
    } else {
      phases.push({
        kind: "waiting",
        startMs: start,
        durationMs: a.durationMs,
        label: `Attempt ${a.attempt} took ${Math.round(a.durationMs)} ms`,
      });
    }
    previousEnd = start + a.durationMs;
  });
  return phases;
}

/** Every step's phases on one axis that starts when the run started. */
export function runTimeline(run: RunDetail): { totalMs: number; steps: StepTimeline[] } {
  const firstAttempt = Math.min(
    ...run.steps.flatMap((s) => (s.attemptLog ?? []).map((a) => a.startedAt)),
  );
  const t0 = Math.min(epoch(run.startedAt) ?? Infinity, firstAttempt);
  if (!Number.isFinite(t0)) return { totalMs: 0, steps: [] };
  const steps = run.steps.map((step) => {
    const phases = attemptPhases(step, t0);
    const first = phases[0]?.startMs;
    if (first !== undefined && first > 0) {
      phases.unshift({
        kind: "queued",
        startMs: 0,
        durationMs: first,
        label:
          step.dependsOn.length > 0
            ? `Waited ${Math.round(first)} ms for its dependencies and a free slot`
            : `Queued ${Math.round(first)} ms for a free slot`,
      });
    }
    const ended = epoch(step.endedAt);
    return { key: step.key, phases, endMs: ended === null ? null : Math.max(0, ended - t0) };
  });
  const ends = steps.flatMap((s) => [
    s.endMs ?? 0,
    ...s.phases.map((p) => p.startMs + p.durationMs),
  ]);
  return { totalMs: Math.max(1, ...ends), steps };
}
