import type { RunEventLog } from "./event-log";
import { type RunStreamEvent, isTerminalEvent } from "./stream-events";

export interface MemoryEventLogOptions {
  /** How long a finished run's events stay replayable. @default 15 minutes */
  retainMs?: number;
  /** The most runs kept; the oldest finished ones go first. @default 500 */
  maxRuns?: number;
}

interface Entry {
  events: RunStreamEvent[];
  listeners: Set<(event: RunStreamEvent) => void>;
  finished: boolean;
  timer?: NodeJS.Timeout;
}

export function createMemoryEventLog(options: MemoryEventLogOptions = {}): RunEventLog {
  const retainMs = options.retainMs ?? 15 * 60_000;
  const maxRuns = options.maxRuns ?? 500;
  const runs = new Map<string, Entry>();

  const entry = (runId: string): Entry => {
    let e = runs.get(runId);
    if (!e) {
      e = { events: [], listeners: new Set(), finished: false };
      runs.set(runId, e);
      if (runs.size > maxRuns) evictOne();
    }
    return e;
  };

  const evictOne = () => {
    for (const [id, e] of runs) {
      if (e.finished && e.listeners.size === 0) {
        clearTimeout(e.timer);
        runs.delete(id);
        return;
      }
    }
  };

  return {
    async append(event) {
      const e = entry(event.runId);
      e.events.push(event);
      for (const listener of e.listeners) listener(event);
      if (isTerminalEvent(event)) {
        e.finished = true;
        e.timer = setTimeout(() => runs.delete(event.runId), retainMs);
        e.timer.unref?.();
      }
    },
    async since(runId, afterSeq) {
      const events = runs.get(runId)?.events ?? [];
      // seq is dense and starts at 1 for orchestrator events, so slice instead of scanning.
      const start = events.findIndex((ev) => ev.seq > afterSeq);
      return start === -1 ? [] : events.slice(start);
    },
    async subscribe(runId, listener) {
      const e = entry(runId);
      e.listeners.add(listener);
      return () => e.listeners.delete(listener);
    },
    async close() {
      for (const e of runs.values()) clearTimeout(e.timer);
      runs.clear();
    },
  };
}
