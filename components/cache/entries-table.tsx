"use client";

import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { CacheEntryView, CacheStatsView } from "@/lib/cache-admin/views";
import { CACHE_KEY, type EntryFilters, getEntries, purge } from "@/lib/query/cache";
import { EntriesFilters } from "./entries-filters";
import { EntryDialog } from "./entry-dialog";
import { ENTRY_COLUMNS, EntryRow } from "./entry-row";

function EntriesGrid(props: {
  rows: CacheEntryView[];
  filtered: boolean;
  onInspect: (key: string) => void;
  onPurge: (key: string) => Promise<unknown>;
}) {
  return (
    // Wide on purpose: on a phone it scrolls inside this box, never the page.
    <div
      className="relative overflow-x-auto"
      tabIndex={0}
      role="region"
      aria-label="Cache entries (scrolls sideways)"
    >
      <table
        className="w-full min-w-[52rem] text-left text-sm"
        data-testid="cache-entries-table"
        data-count={props.rows.length}
      >
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            {ENTRY_COLUMNS.map((label, i) => (
              <th
                key={label}
                scope="col"
                className={`${i === 0 ? "px-5" : "px-3"} py-2 font-medium ${i >= 2 && i <= 4 ? "text-right" : ""}`}
              >
                {label}
              </th>
            ))}
            <th scope="col" className="px-5 py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {props.rows.length === 0 ? (
            <tr>
              <td
                colSpan={ENTRY_COLUMNS.length + 1}
                className="px-5 py-10 text-center text-slate-600"
                data-testid="cache-entries-empty"
              >
                {props.filtered
                  ? "No entries match these filters."
                  : "The cache is empty. Run agents at temperature 0 or send gateway calls to fill it."}
              </td>
            </tr>
          ) : (
            props.rows.map((e) => (
              <EntryRow
                key={e.key}
                entry={e}
                onInspect={() => props.onInspect(e.key)}
                onPurge={() => props.onPurge(e.key)}
              />
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

export function EntriesTable({ stats }: { stats: CacheStatsView | undefined }) {
  const client = useQueryClient();
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

  async function purgeOne(key: string) {
    await purge({ key });
    await client.invalidateQueries({ queryKey: CACHE_KEY });
  }

  const rows = entries.data?.pages.flatMap((p) => p.entries) ?? [];
  const filtered = filters.search !== "" || filters.model !== "" || filters.agent !== "";

  return (
    <section
      aria-labelledby="entries-heading"
      className="min-w-0 rounded-xl border border-slate-200 bg-white shadow-sm"
    >
      <div className="flex flex-wrap items-end justify-between gap-3 border-b border-slate-100 px-5 py-4">
        <h2 id="entries-heading" className="text-base font-semibold">
          Entries
        </h2>
        <EntriesFilters stats={stats} filters={filters} onChange={setFilters} />
      </div>
      {entries.isPending ? (
        <p className="px-5 py-6 text-sm text-slate-600" role="status">
          Loading entries…
        </p>
      ) : entries.isError ? (
        <p role="alert" className="px-5 py-6 text-sm text-rose-700">
          {entries.error.message}
        </p>
      ) : (
        <EntriesGrid rows={rows} filtered={filtered} onInspect={setInspecting} onPurge={purgeOne} />
      )}
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
