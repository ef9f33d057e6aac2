"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useReducer, useState } from "react";
import type { RunStreamEvent } from "@/lib/runs/stream-events";
import { ApiError } from "./fetch-json";
import { redirectToSignIn } from "./api";
import { fetchRun, runKeys } from "./runs";
import { initialRunState, isRunOver, type LiveRun, runReducer } from "./run-state";

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
];

/** After EventSource gives up (a non-200 answer), how long until we open a fresh one. */
const REOPEN_DELAY_MS = 2_000;
/** Reads of the stored run after the stream ended, waiting for it to record the end. */
const FINAL_READ_ATTEMPTS = 5;
const FINAL_READ_DELAY_MS = 250;

export interface RunEventsResult {
  run: LiveRun;
  /** The first load of the stored run failed (not found, forbidden, server down). */
  loadError: Error | null;
  loaded: boolean;
}

/**
 * A run's live state: GET /api/runs/:id, then its Server-Sent Events folded by `runReducer`.
 * The stream closes after run-end / run-interrupted, and the stored run is read once more for the
 * totals the events do not carry (cost).
 */
export function useRunEvents(runId: string): RunEventsResult {
  const [state, dispatch] = useReducer(runReducer, runId, initialRunState);
  const [meta, setMeta] = useState<{ loaded: boolean; loadError: Error | null }>({
    loaded: false,
    loadError: null,
  });
  const queryClient = useQueryClient();

  useEffect(() => {
    const controller = new AbortController();
    let source: EventSource | null = null;
    let reopenTimer: ReturnType<typeof setTimeout> | undefined;
    let finished = false;

    // The stored run may lag the stream's run-end by a moment: read it until it shows the end.
    const refreshDetail = async () => {
      for (let attempt = 0; attempt < FINAL_READ_ATTEMPTS; attempt++) {
        try {
          const run = await fetchRun(runId, controller.signal);
          if (controller.signal.aborted) return;
          dispatch({ type: "detail", run });
          if (isRunOver(run.status)) break;
        } catch {
          if (controller.signal.aborted) return;
        }
        await new Promise((resolve) => setTimeout(resolve, FINAL_READ_DELAY_MS * (attempt + 1)));
      }
      void queryClient.invalidateQueries({ queryKey: ["runs", "history"] });
      void queryClient.invalidateQueries({ queryKey: ["runs", "stats"] });
    };

    const open = () => {
      if (finished || controller.signal.aborted) return;
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
          finished = true;
          es.close();
          dispatch({ type: "connection", state: "closed" });
          void refreshDetail();
        }
      };
      for (const type of EVENT_TYPES) es.addEventListener(type, onMessage);
      es.onmessage = onMessage;
      es.onerror = () => {
        if (finished) return;
        dispatch({ type: "connection", state: "reconnecting" });
        // CONNECTING: the browser retries by itself, sending Last-Event-ID. CLOSED: it gave up
        // (an HTTP error); find out why, then start over — replayed events are ignored by seq.
        if (es.readyState === EventSource.CLOSED) {
          es.close();
          fetchRun(runId, controller.signal)
            .then((run) => {
              dispatch({ type: "detail", run });
              if (isRunOver(run.status)) {
                finished = true;
                dispatch({ type: "connection", state: "closed" });
              } else {
                reopenTimer = setTimeout(open, REOPEN_DELAY_MS);
              }
            })
            .catch((error: unknown) => {
              if (error instanceof ApiError && error.status === 401) return redirectToSignIn();
              if (!controller.signal.aborted) reopenTimer = setTimeout(open, REOPEN_DELAY_MS);
            });
        }
      };
    };

    fetchRun(runId, controller.signal)
      .then((run) => {
        dispatch({ type: "detail", run });
        setMeta({ loaded: true, loadError: null });
        queryClient.setQueryData(runKeys.detail(runId), run);
        if (isRunOver(run.status)) {
          finished = true;
          dispatch({ type: "connection", state: "closed" });
        } else {
          open();
        }
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setMeta({
          loaded: true,
          loadError: error instanceof Error ? error : new Error(String(error)),
        });
      });

    return () => {
      controller.abort();
      clearTimeout(reopenTimer);
      source?.close();
    };
  }, [runId, queryClient]);

  return { run: state, loaded: meta.loaded, loadError: meta.loadError };
}
