"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { RUN_STATUSES } from "@/lib/runs/status";
import { useAgents } from "@/lib/query/agents";
import { errorMessage } from "@/lib/query/fetch-json";
import { useRunTags } from "@/lib/query/run-manage";
import { type RunFilters, useRunHistory } from "@/lib/query/runs";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { inputClass } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";
import { HistoryRow } from "./history-row";
import { RunsChart } from "./runs-chart";

const SEARCH_DEBOUNCE_MS = 300;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** The team's tags, most used first; the one in the URL is shown even when no run carries it. */
function TagFilter({ tag, onTag }: { tag: string; onTag: (tag: string) => void }) {
  const tags = useRunTags();
  const options = (tags.data ?? []).map((t) => t.tag);
  if (tag && !options.includes(tag)) options.unshift(tag);
  return (
    <div>
      <label htmlFor="history-tag" className="sr-only">
        Tag
      </label>
      <select
        id="history-tag"
        className={inputClass}
        value={tag}
        onChange={(e) => onTag(e.target.value)}
        data-testid="history-tag"
      >
        <option value="">All tags</option>
        {options.map((t) => (
          <option key={t} value={t}>
            #{t}
          </option>
        ))}
      </select>
    </div>
  );
}

function HistoryFilters(props: {
  text: string;
  onText: (text: string) => void;
  status: RunFilters["status"];
  onStatus: (status: RunFilters["status"]) => void;
  agent: string;
  onAgent: (agent: string) => void;
  tag: string;
  onTag: (tag: string) => void;
}) {
  const agents = useAgents();
  const { text, status, agent, tag } = props;
  const setText = props.onText;
  const setStatus = props.onStatus;
  const setAgent = props.onAgent;
  return (
    <div
      className="grid gap-3 border-b border-slate-100 p-3 sm:grid-cols-[minmax(0,1fr)_auto_auto_auto]"
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
          {RUN_STATUSES.map((s) => (
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
      <TagFilter tag={tag} onTag={props.onTag} />
    </div>
  );
}

function HistoryList({ filters }: { filters: RunFilters }) {
  const history = useRunHistory(filters);
  const runs = history.data?.pages.flatMap((p) => p.runs) ?? [];
  const filtered = Boolean(filters.status || filters.agent || filters.tag || filters.q);
  return (
    <>
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
        <p role="alert" className="p-4 text-sm text-rose-700">
          Could not load the runs: {errorMessage(history.error)}{" "}
          <button type="button" className="font-medium underline" onClick={() => history.refetch()}>
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
    </>
  );
}

/**
 * The history's filters live in the URL (?q=&status=&agent=&tag=), so a reload or a shared link keeps
 * them; the search box writes q once typing pauses.
 */
function useUrlFilters() {
  const router = useRouter();
  const params = useSearchParams();
  const status = (params.get("status") ?? "") as RunFilters["status"];
  const agent = params.get("agent") ?? "";
  const tag = params.get("tag") ?? "";
  const urlQ = params.get("q") ?? "";
  const [text, setText] = useState(urlQ);
  const q = useDebounced(text.trim(), SEARCH_DEBOUNCE_MS);
  const replace = useCallback(
    (patch: Record<string, string>) => {
      const next = new URLSearchParams(params.toString());
      for (const [key, value] of Object.entries(patch)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      if (next.toString() === params.toString()) return;
      const query = next.toString();
      router.replace(query ? `?${query}` : "?", { scroll: false });
    },
    [params, router],
  );
  useEffect(() => replace({ q }), [q, replace]);
  return {
    text,
    setText,
    status,
    setStatus: (value: RunFilters["status"]) => replace({ status: value ?? "" }),
    agent,
    setAgent: (value: string) => replace({ agent: value }),
    tag,
    setTag: (value: string) => replace({ tag: value }),
    filters: { status, agent, tag, q: urlQ },
  };
}

export function RunHistory() {
  const { text, setText, status, setStatus, agent, setAgent, tag, setTag, filters } =
    useUrlFilters();
  return (
    <section aria-labelledby="history-heading" className="space-y-4" data-testid="run-history">
      <h2 id="history-heading" className="text-lg font-semibold tracking-tight">
        History
      </h2>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1.6fr)_minmax(0,1fr)]">
        <Card className="overflow-hidden">
          <HistoryFilters
            text={text}
            onText={setText}
            status={status}
            onStatus={setStatus}
            agent={agent}
            onAgent={setAgent}
            tag={tag}
            onTag={setTag}
          />
          <HistoryList filters={filters} />
        </Card>
        <div className="min-w-0">
          <RunsChart />
        </div>
      </div>
    </section>
  );
}
