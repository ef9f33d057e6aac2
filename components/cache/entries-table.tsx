"use client";

import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { CACHE_KEY, type EntryFilters, getEntries, purge } from "./cache-api";
import { EntryDialog } from "./entry-dialog";
import { formatBytes, formatCount, formatWhen } from "./format";
import type { CacheStatsView, EntrySort } from "./types";

const SORTS: { value: EntrySort; label: string }[] = [
  { value: "lastHit", label: "Last hit" },
  { value: "hits", label: "Most hits" },
  { value: "size", label: "Largest" },
  { value: "created", label: "Newest" },
];

const CONTROL =
  "rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200";

export function EntriesTable({ stats }: { stats: CacheStatsView | undefined }) {
  const client = useQueryClient();
  const [draft, setDraft] = useState("");
  const [filters, setFilters] = useState<EntryFilters>({
    search: "",
    model: "",
    agent: "",
    sort: "lastHit",
  });
  const [inspecting, setInspecting] = useState<string | null>(null);

  const entries = useInfiniteQuery({
    queryKey: [...CACHE_KEY, "entries", filters],
    queryFn: ({ pageParam }) => getEntries(filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor ?? null,
  });

  function onSearch(event: FormEvent) {
    event.preventDefault();
    setFilters((f) => ({ ...f, search: draft.trim() }));
  }

  async function purgeOne(key: string) {
    await purge({ key });
    await client.invalidateQueries({ queryKey: CACHE_KEY });
  }

  const rows = entries.data?.pages.flatMap((p) => p.entries) ?? [];
  const filtered = filters.search !== "" || filters.model !== "" || filters.agent !== "";

  return (
    <section
      aria-labelledby="entries-heading"
      className="rounded-xl border border-slate-200 bg-white shadow-sm"
    >
      <div className="flex flex-wrap items-end justify-between gap-3 border-b border-slate-100 px-5 py-4">
        <h2 id="entries-heading" className="text-base font-semibold">
          Entries
        </h2>
        <form
          onSubmit={onSearch}
          className="flex flex-wrap items-end gap-2"
          role="search"
          aria-label="Cache entries"
        >
          <div>
            <label htmlFor="entries-search" className="sr-only">
              Search entries
            </label>
            <input
              id="entries-search"
              type="search"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              placeholder="Search prompt or answer…"
              className={`w-56 ${CONTROL}`}
              data-testid="cache-entries-search"
            />
          </div>
          <div>
            <label htmlFor="entries-model" className="sr-only">
              Model
            </label>
            <select
              id="entries-model"
              value={filters.model}
              onChange={(e) => setFilters((f) => ({ ...f, model: e.target.value }))}
              className={CONTROL}
            >
              <option value="">All models</option>
              {stats?.byModel.map((m) => (
                <option key={m.model} value={m.model}>
                  {m.model}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="entries-agent" className="sr-only">
              Agent
            </label>
            <select
              id="entries-agent"
              value={filters.agent}
              onChange={(e) => setFilters((f) => ({ ...f, agent: e.target.value }))}
              className={CONTROL}
            >
              <option value="">All agents</option>
              {stats?.byAgent
                .filter((a) => a.agentId)
                .map((a) => (
                  <option key={a.agentId} value={a.agentId ?? ""}>
                    {a.agentName ?? a.agentId}
                  </option>
                ))}
            </select>
          </div>
          <div>
            <label htmlFor="entries-sort" className="sr-only">
              Sort by
            </label>
            <select
              id="entries-sort"
              value={filters.sort}
              onChange={(e) => setFilters((f) => ({ ...f, sort: e.target.value as EntrySort }))}
              className={CONTROL}
              data-testid="cache-entries-sort"
            >
              {SORTS.map((s) => (
                <option key={s.value} value={s.value}>
                  Sort: {s.label}
                </option>
              ))}
            </select>
          </div>
          <button
            type="submit"
            className="rounded-lg border border-slate-300 px-3 py-2 text-sm font-medium hover:bg-slate-50"
          >
            Search
          </button>
        </form>
      </div>

      <div className="overflow-x-auto">
        {entries.isPending ? (
          <p className="px-5 py-6 text-sm text-slate-500" role="status">
            Loading entries…
          </p>
        ) : entries.isError ? (
          <p role="alert" className="px-5 py-6 text-sm text-rose-600">
            {entries.error.message}
          </p>
        ) : (
          <table
            className="w-full min-w-[52rem] text-left text-sm"
            data-testid="cache-entries-table"
            data-count={rows.length}
          >
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-5 py-2 font-medium">
                  Prompt
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Model · agent
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Hits
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Tokens
                </th>
                <th scope="col" className="px-3 py-2 text-right font-medium">
                  Size
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Last hit
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Expires
                </th>
                <th scope="col" className="px-5 py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.length === 0 ? (
                <tr>
                  <td
                    colSpan={8}
                    className="px-5 py-10 text-center text-slate-500"
                    data-testid="cache-entries-empty"
                  >
                    {filtered
                      ? "No entries match these filters."
                      : "The cache is empty. Run agents at temperature 0 or send gateway calls to fill it."}
                  </td>
                </tr>
              ) : (
                rows.map((e) => (
                  <tr
                    key={e.key}
                    data-testid="cache-entry-row"
                    data-key={e.key}
                    className="align-top"
                  >
                    <td className="max-w-xs px-5 py-2">
                      <p className="line-clamp-2 text-slate-800" title={e.preview}>
                        {e.preview || <span className="text-slate-400">(no text)</span>}
                      </p>
                      <p className="mt-0.5 font-mono text-[11px] text-slate-400">
                        {e.key.slice(0, 12)}…
                      </p>
                    </td>
                    <td className="px-3 py-2">
                      <p className="whitespace-nowrap text-slate-800">{e.model}</p>
                      <p className="text-xs text-slate-500">{e.agentName ?? "gateway"}</p>
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {formatCount(e.hitCount)}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {formatCount(e.inputTokens + e.outputTokens)}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {formatBytes(e.sizeBytes)}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-slate-600">
                      {formatWhen(e.lastHitAt)}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-slate-600">
                      {e.expiresAt ? formatWhen(e.expiresAt) : "never"}
                    </td>
                    <td className="px-5 py-2">
                      <div className="flex justify-end gap-2">
                        <button
                          type="button"
                          onClick={() => setInspecting(e.key)}
                          className="rounded-md border border-slate-200 px-2.5 py-1 text-sm text-slate-700 hover:bg-slate-50"
                          aria-haspopup="dialog"
                          data-testid="cache-entry-inspect"
                        >
                          Inspect
                        </button>
                        <ConfirmButton
                          title="Purge this entry?"
                          message="The next identical request will call the model again and store a fresh answer."
                          confirmLabel="Purge entry"
                          onConfirm={() => purgeOne(e.key)}
                          aria-label={`Purge entry ${e.key.slice(0, 12)}`}
                          testId="cache-entry-purge"
                        >
                          Purge
                        </ConfirmButton>
                      </div>
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        )}
      </div>
      {entries.hasNextPage ? (
        <div className="border-t border-slate-100 px-5 py-3 text-center">
          <button
            type="button"
            onClick={() => void entries.fetchNextPage()}
            disabled={entries.isFetchingNextPage}
            className="rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-50 disabled:opacity-60"
          >
            {entries.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        </div>
      ) : null}
      <EntryDialog
        entryKey={inspecting}
        agentName={rows.find((r) => r.key === inspecting)?.agentName}
        onClose={() => setInspecting(null)}
      />
    </section>
  );
}
