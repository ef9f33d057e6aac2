/**
 * The EventSource side of a run's live view: opens /api/runs/:id/events, feeds every event to
 * `dispatch`, and recovers from a dropped stream. No React here; useRunEvents owns the lifecycle.
 */
import { isFinished } from "@/lib/runs/status";
import type { RunStreamEvent } from "@/lib/runs/stream-events";
import type { RunAction } from "./run-state";
import { fetchRun } from "./runs";

const EVENT_TYPES: ReadonlyArray<RunStreamEvent["type"]> = [
  "run-start",
  "step-start",
  "step-delta",
  "step-retry",
  "step-end",
  "step-error",
  "run-end",
  "run-snapshot",
  "run-interrupted",
  "run-resumed",
];

/** After EventSource gives up (a non-200 answer), how long until we open a fresh one. */
const REOPEN_DELAY_MS = 2_000;
/** Reads of the stored run after the stream ended, waiting for it to record the end. */
const FINAL_READ_ATTEMPTS = 5;
const FINAL_READ_DELAY_MS = 250;

type Dispatch = (action: RunAction) => void;

/** The stored run may lag the stream's run-end by a moment: read it until it shows the end. */
export async function readUntilFinished(runId: string, signal: AbortSignal, dispatch: Dispatch) {
  for (let attempt = 0; attempt < FINAL_READ_ATTEMPTS; attempt++) {
    try {
      const run = await fetchRun(runId, signal);
      if (signal.aborted) return;
      dispatch({ type: "detail", run });
      if (isFinished(run.status)) return;
    } catch {
      if (signal.aborted) return;
    }
    await new Promise((resolve) => setTimeout(resolve, FINAL_READ_DELAY_MS * (attempt + 1)));
  }
}

/**
 * Streams the run's events into `dispatch` until it ends (then calls `onEnded`) or `signal`
 * aborts. A stream the browser gave up on (an HTTP error) is reopened after a look at the stored
 * run; replayed events are ignored by seq, so reopening from the start is safe.
 */
export function streamRunEvents(args: {
  runId: string;
  signal: AbortSignal;
  dispatch: Dispatch;
  onEnded: () => void;
}): void {
  const { runId, signal, dispatch } = args;
  let source: EventSource | null = null;
  let reopenTimer: ReturnType<typeof setTimeout> | undefined;
  let finished = false;
  const finish = () => {
    finished = true;
    source?.close();
    dispatch({ type: "connection", state: "closed" });
  };
  signal.addEventListener("abort", () => {
    clearTimeout(reopenTimer);
    source?.close();
  });

  const recover = () => {
    fetchRun(runId, signal)
      .then((run) => {
        dispatch({ type: "detail", run });
        if (isFinished(run.status)) finish();
        else reopenTimer = setTimeout(open, REOPEN_DELAY_MS);
      })
      // fetchJson already sent a signed-out browser to sign in.
      .catch(() => {
        if (!signal.aborted) reopenTimer = setTimeout(open, REOPEN_DELAY_MS);
      });
  };

  function open() {
    if (finished || signal.aborted) return;
    dispatch({ type: "connection", state: "connecting" });
    const es = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events`);
    source = es;
    es.onopen = () => dispatch({ type: "connection", state: "open" });
    const onMessage = (message: MessageEvent<string>) => {
      let event: RunStreamEvent;
      try {
        event = JSON.parse(message.data) as RunStreamEvent;
      } catch {
        return;
      }
      dispatch({ type: "event", event });
      if (event.type === "run-end" || event.type === "run-interrupted") {
        finish();
        args.onEnded();
      }
    };
    for (const type of EVENT_TYPES) es.addEventListener(type, onMessage);
    es.onmessage = onMessage;
    es.onerror = () => {
      if (finished) return;
      dispatch({ type: "connection", state: "reconnecting" });
      // CONNECTING: the browser retries by itself, sending Last-Event-ID. CLOSED: it gave up.
      if (es.readyState === EventSource.CLOSED) {
        es.close();
        recover();
      }
    };
  }

  open();
}
