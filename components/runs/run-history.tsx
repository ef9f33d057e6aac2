"use client";

import { useEffect, useState } from "react";
import type { RunStatus } from "@/lib/runs/run-view";
import { useAgents } from "@/lib/query/agents";
import { errorMessage } from "@/lib/query/api";
import { type RunFilters, useRunHistory } from "@/lib/query/runs";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { inputClass } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";
import { HistoryRow } from "./history-row";
import { RunsChart } from "./runs-chart";

const STATUSES: RunStatus[] = [
  "queued",
  "running",
  "succeeded",
  "partial",
  "failed",
  "cancelled",
  "interrupted",
];

const SEARCH_DEBOUNCE_MS = 300;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function RunHistory() {
  const agents = useAgents();
  const [status, setStatus] = useState<RunFilters["status"]>("");
  const [agent, setAgent] = useState("");
  const [text, setText] = useState("");
  const q = useDebounced(text.trim(), SEARCH_DEBOUNCE_MS);
  const filters: RunFilters = { status, agent, q };
  const history = useRunHistory(filters);
  const runs = history.data?.pages.flatMap((p) => p.runs) ?? [];
  const filtered = Boolean(status || agent || q);

  return (
    <section aria-labelledby="history-heading" className="space-y-4" data-testid="run-history">
      <h2 id="history-heading" className="text-lg font-semibold tracking-tight">
        History
      </h2>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1.6fr)_minmax(0,1fr)]">
        <Card className="overflow-hidden">
          <div
            className="grid gap-3 border-b border-slate-100 p-3 sm:grid-cols-[1fr_auto_auto]"
            role="search"
          >
            <div>
              <label htmlFor="history-search" className="sr-only">
                Search tasks
              </label>
              <input
                id="history-search"
                type="search"
                placeholder="Search tasks…"
                className={inputClass}
                value={text}
                onChange={(e) => setText(e.target.value)}
                data-testid="history-search"
              />
            </div>
            <div>
              <label htmlFor="history-status" className="sr-only">
                Status
              </label>
              <select
                id="history-status"
                className={inputClass}
                value={status}
                onChange={(e) => setStatus(e.target.value as RunFilters["status"])}
                data-testid="history-status"
              >
                <option value="">All statuses</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="history-agent" className="sr-only">
                Agent
              </label>
              <select
                id="history-agent"
                className={inputClass}
                value={agent}
                onChange={(e) => setAgent(e.target.value)}
                data-testid="history-agent"
              >
                <option value="">All agents</option>
                {(agents.data ?? []).map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            </div>
          </div>

          {history.isPending ? (
            <div className="space-y-3 p-4" role="status" aria-label="Loading runs">
              {Array.from({ length: 4 }, (_, i) => (
                <div key={i}>
                  <Skeleton className="h-4 w-1/4" />
                  <Skeleton className="mt-2 h-3 w-full" />
                </div>
              ))}
            </div>
          ) : history.isError ? (
            <p role="alert" className="p-4 text-sm text-rose-600">
              Could not load the runs: {errorMessage(history.error)}{" "}
              <button
                type="button"
                className="font-medium underline"
                onClick={() => history.refetch()}
              >
                Try again
              </button>
            </p>
          ) : runs.length === 0 ? (
            <div className="p-4">
              <EmptyState title={filtered ? "No runs match" : "No runs yet"} testId="history-empty">
                {filtered
                  ? "Try another search or filter."
                  : "Compose one above: its answers stream in live."}
              </EmptyState>
            </div>
          ) : (
            <>
              <ul
                className="divide-y divide-slate-100"
                data-testid="history-list"
                aria-busy={history.isFetching}
              >
                {runs.map((run) => (
                  <HistoryRow key={run.id} run={run} />
                ))}
              </ul>
              {history.hasNextPage ? (
                <div className="border-t border-slate-100 p-3 text-center">
                  <Button
                    onClick={() => history.fetchNextPage()}
                    disabled={history.isFetchingNextPage}
                    data-testid="history-load-more"
                  >
                    {history.isFetchingNextPage ? "Loading…" : "Load more"}
                  </Button>
                </div>
              ) : null}
            </>
          )}
        </Card>
        <div>
          <RunsChart />
        </div>
      </div>
    </section>
  );
}
