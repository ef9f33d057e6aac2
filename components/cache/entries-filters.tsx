"use client";

import { type FormEvent, useState } from "react";
import type { CacheStatsView, EntrySort } from "@/lib/cache-admin/views";
import type { EntryFilters } from "@/lib/query/cache";

const SORTS: { value: EntrySort; label: string }[] = [
  { value: "lastHit", label: "Sort: Last hit" },
  { value: "hits", label: "Sort: Most hits" },
  { value: "size", label: "Sort: Largest" },
  { value: "created", label: "Sort: Newest" },
];

export const CONTROL =
  "rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200";

function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly { value: string; label: string }[];
  testId?: string;
}) {
  return (
    <>
      <label htmlFor={props.id} className="sr-only">
        {props.label}
      </label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        className={`min-w-0 max-w-full ${CONTROL}`}
        data-testid={props.testId}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </>
  );
}

/** Search, model, agent and sort of the entries list. The search applies on submit. */
export function EntriesFilters({
  stats,
  filters,
  onChange,
}: {
  stats: CacheStatsView | undefined;
  filters: EntryFilters;
  onChange: (update: (f: EntryFilters) => EntryFilters) => void;
}) {
  const [draft, setDraft] = useState(filters.search);
  const models = [
    { value: "", label: "All models" },
    ...(stats?.byModel ?? []).map((m) => ({ value: m.model, label: m.model })),
  ];
  const agents = [
    { value: "", label: "All agents" },
    ...(stats?.byAgent ?? []).flatMap((a) =>
      a.agentId ? [{ value: a.agentId, label: a.agentName ?? a.agentId }] : [],
    ),
  ];

  function onSearch(event: FormEvent) {
    event.preventDefault();
    onChange((f) => ({ ...f, search: draft.trim() }));
  }

  return (
    <form
      onSubmit={onSearch}
      className="flex w-full flex-wrap items-end gap-2 sm:w-auto"
      role="search"
      aria-label="Cache entries"
    >
      <label htmlFor="entries-search" className="sr-only">
        Search entries
      </label>
      <input
        id="entries-search"
        type="search"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        placeholder="Search prompt or answer…"
        className={`w-full min-w-0 sm:w-56 ${CONTROL}`}
        data-testid="cache-entries-search"
      />
      <FilterSelect
        id="entries-model"
        label="Model"
        value={filters.model}
        onChange={(model) => onChange((f) => ({ ...f, model }))}
        options={models}
      />
      <FilterSelect
        id="entries-agent"
        label="Agent"
        value={filters.agent}
        onChange={(agent) => onChange((f) => ({ ...f, agent }))}
        options={agents}
      />
      <FilterSelect
        id="entries-sort"
        label="Sort by"
        value={filters.sort}
        onChange={(sort) => onChange((f) => ({ ...f, sort: sort as EntrySort }))}
        options={SORTS}
        testId="cache-entries-sort"
      />
      <button
        type="submit"
        className="rounded-lg border border-slate-300 px-3 py-2 text-sm font-medium hover:bg-slate-50"
      >
        Search
      </button>
    </form>
  );
}
