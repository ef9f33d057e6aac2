"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useReducer, useState } from "react";
import { isFinished } from "@/lib/runs/status";
import { readUntilFinished, streamRunEvents } from "./run-stream";
import { fetchRun, runKeys } from "./runs";
import { initialRunState, type LiveRun, runReducer } from "./run-state";

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
    const { signal } = controller;
    const onEnded = async () => {
      await readUntilFinished(runId, signal, dispatch);
      void queryClient.invalidateQueries({ queryKey: ["runs", "history"] });
      void queryClient.invalidateQueries({ queryKey: ["runs", "stats"] });
    };

    fetchRun(runId, signal)
      .then((run) => {
        dispatch({ type: "detail", run });
        setMeta({ loaded: true, loadError: null });
        queryClient.setQueryData(runKeys.detail(runId), run);
        if (isFinished(run.status)) dispatch({ type: "connection", state: "closed" });
        else streamRunEvents({ runId, signal, dispatch, onEnded: () => void onEnded() });
      })
      .catch((error: unknown) => {
        if (signal.aborted) return;
        setMeta({
          loaded: true,
          loadError: error instanceof Error ? error : new Error(String(error)),
        });
      });

    return () => controller.abort();
  }, [runId, queryClient]);

  return { run: state, loaded: meta.loaded, loadError: meta.loadError };
}
