"use client";

import { useRunStats } from "@/lib/query/runs";
import { errorMessage } from "@/lib/query/fetch-json";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { type DayPoint, RunsPerDayChart } from "./runs-per-day-chart";

const DAY = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

/** Runs per day (succeeded / failed / other, stacked) and average latency, last 14 days. */
export function RunsChart() {
  const stats = useRunStats(14);
  const data: DayPoint[] = (stats.data ?? []).map((b) => ({
    day: DAY.format(new Date(b.at)),
    succeeded: b.succeeded,
    failed: b.failed,
    other: Math.max(0, b.runs - b.succeeded - b.failed),
    latency: b.avgLatencyMs === null ? null : Math.round(b.avgLatencyMs) / 1000,
  }));
  const total = data.reduce((n, d) => n + d.succeeded + d.failed + d.other, 0);

  return (
    <Card className="p-4" data-testid="history-chart">
      <div className="mb-2 flex items-baseline justify-between">
        <h3 className="text-sm font-semibold text-slate-700">Last 14 days</h3>
        <span className="text-xs text-slate-600" data-testid="history-chart-total">
          {stats.isSuccess ? `${total} run${total === 1 ? "" : "s"}` : ""}
        </span>
      </div>
      {stats.isPending ? (
        <Skeleton className="h-52" />
      ) : stats.isError ? (
        <p role="alert" className="py-16 text-center text-sm text-rose-700">
          Could not load the statistics: {errorMessage(stats.error)}
        </p>
      ) : (
        <div
          className="h-52 min-w-0 text-slate-600"
          role="img"
          aria-label={`Runs per day and average latency; ${total} runs in 14 days`}
        >
          <RunsPerDayChart data={data} />
        </div>
      )}
    </Card>
  );
}
