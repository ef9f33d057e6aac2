"use client";

import { useQuery } from "@tanstack/react-query";
import { CACHE_KEY, getEntries } from "@/lib/query/cache";
import { formatCount, formatPercent, formatUsd } from "@/lib/query/format";
import type { CacheStatsView } from "@/lib/cache-admin/views";

function rate(hits: number, misses: number) {
  return hits + misses === 0 ? "—" : formatPercent(hits / (hits + misses));
}

function BreakdownTable({
  title,
  rows,
}: {
  title: string;
  rows: { label: string; hits: number; misses: number; costSavedUsd: number }[];
}) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <h3 className="text-sm font-semibold text-slate-800">{title}</h3>
      {rows.length === 0 ? (
        <p className="mt-3 text-sm text-slate-600">Nothing yet.</p>
      ) : (
        <table className="mt-2 w-full text-sm">
          <thead className="text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="py-1 text-left font-medium">
                Name
              </th>
              <th scope="col" className="py-1 text-right font-medium">
                Hit rate
              </th>
              <th scope="col" className="py-1 text-right font-medium">
                Hits
              </th>
              <th scope="col" className="py-1 text-right font-medium">
                Saved
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.slice(0, 8).map((r) => (
              <tr key={r.label}>
                <td className="max-w-[10rem] truncate py-1.5" title={r.label}>
                  {r.label}
                </td>
                <td className="py-1.5 text-right tabular-nums">{rate(r.hits, r.misses)}</td>
                <td className="py-1.5 text-right tabular-nums">{formatCount(r.hits)}</td>
                <td className="py-1.5 text-right tabular-nums">{formatUsd(r.costSavedUsd)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function TopEntries() {
  const top = useQuery({
    queryKey: [...CACHE_KEY, "entries", "top"],
    queryFn: () => getEntries({ search: "", model: "", agent: "", sort: "hits" }, null),
  });
  const rows = top.data?.entries.slice(0, 5) ?? [];
  return (
    <div
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="cache-top-entries"
    >
      <h3 className="text-sm font-semibold text-slate-800">Top entries</h3>
      {top.isPending ? (
        <p className="mt-3 text-sm text-slate-600">Loading…</p>
      ) : top.isError ? (
        <p className="mt-3 text-sm text-rose-700">{top.error.message}</p>
      ) : rows.length === 0 ? (
        <p className="mt-3 text-sm text-slate-600">No entries yet.</p>
      ) : (
        <ol className="mt-2 divide-y divide-slate-100 text-sm">
          {rows.map((e) => (
            <li key={e.key} className="flex items-start justify-between gap-3 py-1.5">
              <span className="line-clamp-1 min-w-0 text-slate-700" title={e.preview}>
                {e.preview || e.key.slice(0, 12)}
              </span>
              <span className="shrink-0 tabular-nums text-slate-600">
                {formatCount(e.hitCount)} hits
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

export function Breakdown({ stats }: { stats: CacheStatsView }) {
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <TopEntries />
      <BreakdownTable
        title="By model"
        rows={stats.byModel.map((m) => ({ label: m.model, ...m }))}
      />
      <BreakdownTable
        title="By agent"
        rows={stats.byAgent.map((a) => ({ label: a.agentName ?? "gateway (no agent)", ...a }))}
      />
    </div>
  );
}
