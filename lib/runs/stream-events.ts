import type { RunEvent } from "@/lib/orchestrator";
import type { RunDetail } from "./run-view";

/**
 * What a run's event stream carries: the orchestrator's events, plus three the application adds.
 * - `run-snapshot`: the whole run as stored, sent when the event log can no longer replay from
 *   the client's position (the run finished long ago, or another instance ran it); the client
 *   replaces its state with it.
 * - `run-interrupted`: the server running the run stopped before it finished.
 * - `run-resumed`: the process running the run stopped (crash, deploy) and this one took it over;
 *   the orchestrator's events follow again from `run-start`, the steps that had finished as
 *   copies (not called again), the unfinished ones running again.
 */
export type RunStreamEvent =
  | RunEvent
  | { type: "run-snapshot"; runId: string; seq: number; run: RunDetail }
  | { type: "run-interrupted"; runId: string; seq: number; message: string }
  | { type: "run-resumed"; runId: string; seq: number; at: number; message: string };

export function isTerminalEvent(event: RunStreamEvent): boolean {
  return event.type === "run-end" || event.type === "run-interrupted";
}
