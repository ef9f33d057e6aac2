/**
 * How the browser shows steps a server stop ended (issue 13 #4): "interrupted", like their run,
 * not "cancelled" with a code "unavailable". Pure, for lib/query/run-state.ts.
 */
import type { RunStepView } from "@/lib/runs/run-view";
import type { LiveRun, LiveStep, LiveStepStatus } from "./run-state";

/** A stored step the server stopped reads "interrupted", like its run (issue 13 #4). */
export function stepStatusOf(step: RunStepView): LiveStepStatus {
  return step.status === "cancelled" && step.errorCode === "interrupted"
    ? "interrupted"
    : step.status;
}

/** Unfinished, or aborted by the shutdown that then marked the run interrupted. */
function stoppedByServer(s: LiveStep): boolean {
  return (
    ["pending", "running", "retrying"].includes(s.status) ||
    (s.status === "cancelled" && s.errorCode === "cancelled")
  );
}

function interrupted(s: LiveStep, message: string): LiveStep {
  return {
    ...s,
    status: "interrupted",
    retry: null,
    errorCode: "interrupted",
    errorMessage: message,
  };
}

/** The run-interrupted event: the run and every step the server stopped read interrupted. */
export function interruptRun(run: LiveRun, message: string, now: number): LiveRun {
  const steps = run.steps.map((s) => (stoppedByServer(s) ? interrupted(s, message) : s));
  return { ...run, status: "interrupted", errorMessage: message, endedAtMs: now, steps };
}
