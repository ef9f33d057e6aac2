import type { RunStreamEvent } from "./stream-events";

/**
 * A run's events in order, readable from any position, with live delivery of new ones. Lets an
 * SSE client that connects late, or reconnects with Last-Event-ID, get what it missed and then
 * the live rest. In memory for one process; Redis (a stream per run, plus pub/sub) across instances.
 */
export interface RunEventLog {
  append(event: RunStreamEvent): Promise<void>;
  /** Events with seq > afterSeq, oldest first; [] when the log holds nothing for the run. */
  since(runId: string, afterSeq: number): Promise<RunStreamEvent[]>;
  /** Live events from now on. Returns the unsubscribe function. */
  subscribe(runId: string, listener: (event: RunStreamEvent) => void): Promise<() => void>;
  close(): Promise<void>;
}
