"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Breakdown } from "./breakdown";
import { CACHE_KEY, getStats } from "@/lib/query/cache";
import { HitsChart, LatencyChart, SavingsChart } from "./charts";
import { EntriesTable } from "./entries-table";
import { GatewayLog } from "./gateway-log";
import { KpiCards } from "./kpi-cards";
import { PurgePanel } from "./purge-panel";
import { CACHE_RANGES, type CacheRange } from "@/lib/cache-admin/views";
import { WarmPanel } from "./warm-panel";

const RANGE_LABEL: Record<CacheRange, string> = {
  "24h": "24 hours",
  "7d": "7 days",
  "30d": "30 days",
};

function RangeSelector({
  value,
  onChange,
}: {
  value: CacheRange;
  onChange: (r: CacheRange) => void;
}) {
  return (
    <div
      role="group"
      aria-label="Time range"
      className="inline-flex rounded-lg border border-slate-200 bg-white p-0.5 shadow-sm"
    >
      {CACHE_RANGES.map((r) => (
        <button
          key={r}
          type="button"
          aria-pressed={r === value}
          title={`Last ${RANGE_LABEL[r]}`}
          onClick={() => onChange(r)}
          className={`rounded-md px-3 py-1 text-sm ${r === value ? "bg-indigo-600 font-medium text-white" : "text-slate-600 hover:bg-slate-50"}`}
          data-testid={`cache-range-${r}`}
        >
          {r}
        </button>
      ))}
    </div>
  );
}

function Skeleton() {
  return (
    <div className="space-y-4" role="status" aria-label="Loading cache statistics">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
        {Array.from({ length: 5 }, (_, i) => (
          <div key={i} className="h-24 animate-pulse rounded-xl bg-slate-200/60" />
        ))}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="h-72 animate-pulse rounded-xl bg-slate-200/60" />
        <div className="h-72 animate-pulse rounded-xl bg-slate-200/60" />
      </div>
    </div>
  );
}

export function CacheDashboard() {
  const [range, setRange] = useState<CacheRange>("24h");
  const stats = useQuery({
    queryKey: [...CACHE_KEY, "stats", range],
    queryFn: () => getStats(range),
    refetchInterval: 15_000,
    placeholderData: (previous) => previous,
  });

  return (
    <div className="space-y-6" data-testid="cache-dashboard">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Response cache</h1>
          <p className="mt-1 max-w-2xl text-slate-600">
            Every model call — runs and gateway clients — goes through it. Identical requests are
            answered from memory or the database instead of the model.
          </p>
        </div>
        <div className="flex items-center gap-3">
          {stats.isFetching && !stats.isPending ? (
            <span className="text-xs text-slate-600" role="status">
              Updating…
            </span>
          ) : null}
          <RangeSelector value={range} onChange={setRange} />
        </div>
      </div>

      {stats.isPending ? (
        <Skeleton />
      ) : stats.isError ? (
        <div
          role="alert"
          className="rounded-xl border border-rose-200 bg-rose-50 p-4 text-sm text-rose-700"
        >
          Could not load cache statistics: {stats.error.message}{" "}
          <button
            type="button"
            className="font-medium underline"
            onClick={() => void stats.refetch()}
          >
            Try again
          </button>
        </div>
      ) : (
        <>
          <KpiCards stats={stats.data} />
          <div className="grid gap-4 lg:grid-cols-3">
            <HitsChart series={stats.data.series} range={range} />
            <SavingsChart series={stats.data.series} range={range} />
            <LatencyChart series={stats.data.series} range={range} />
          </div>
          <Breakdown stats={stats.data} />
        </>
      )}

      <EntriesTable stats={stats.data} />
      <GatewayLog />
      <div className="grid gap-4 lg:grid-cols-2">
        <PurgePanel stats={stats.data} />
        <WarmPanel />
      </div>
    </div>
  );
}
