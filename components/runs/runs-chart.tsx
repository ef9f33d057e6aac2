"use client";

import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { useRunStats } from "@/lib/query/runs";
import { errorMessage } from "@/lib/query/api";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";

const DAY = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

/** Runs per day (succeeded / failed / other, stacked) and average latency, last 14 days. */
export function RunsChart() {
  const stats = useRunStats(14);
  const data = (stats.data ?? []).map((b) => ({
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
        <span className="text-xs text-slate-500" data-testid="history-chart-total">
          {stats.isSuccess ? `${total} run${total === 1 ? "" : "s"}` : ""}
        </span>
      </div>
      {stats.isPending ? (
        <Skeleton className="h-52" />
      ) : stats.isError ? (
        <p role="alert" className="py-16 text-center text-sm text-rose-600">
          Could not load the statistics: {errorMessage(stats.error)}
        </p>
      ) : (
        <div
          className="h-52"
          role="img"
          aria-label={`Runs per day and average latency; ${total} runs in 14 days`}
        >
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -16 }}>
              <CartesianGrid stroke="#e2e8f0" vertical={false} />
              <XAxis
                dataKey="day"
                tick={{ fontSize: 11, fill: "#64748b" }}
                tickLine={false}
                axisLine={false}
                interval="preserveStartEnd"
              />
              <YAxis
                yAxisId="runs"
                allowDecimals={false}
                tick={{ fontSize: 11, fill: "#64748b" }}
                tickLine={false}
                axisLine={false}
              />
              <YAxis
                yAxisId="latency"
                orientation="right"
                tick={{ fontSize: 11, fill: "#7c3aed" }}
                tickLine={false}
                axisLine={false}
                tickFormatter={(v: number) => `${Number(v.toFixed(1))}s`}
                width={44}
              />
              <Tooltip
                contentStyle={{ borderRadius: 8, borderColor: "#e2e8f0", fontSize: 12 }}
                formatter={(value, name) =>
                  name === "avg latency" ? [`${String(value)} s`, name] : [String(value), name]
                }
              />
              <Legend wrapperStyle={{ fontSize: 12 }} iconSize={10} />
              <Bar
                isAnimationActive={false}
                yAxisId="runs"
                dataKey="succeeded"
                stackId="runs"
                fill="#10b981"
                name="succeeded"
              />
              <Bar
                isAnimationActive={false}
                yAxisId="runs"
                dataKey="failed"
                stackId="runs"
                fill="#f43f5e"
                name="failed"
              />
              <Bar
                isAnimationActive={false}
                yAxisId="runs"
                dataKey="other"
                stackId="runs"
                fill="#cbd5e1"
                name="other"
                radius={[3, 3, 0, 0]}
              />
              <Line
                isAnimationActive={false}
                yAxisId="latency"
                dataKey="latency"
                name="avg latency"
                stroke="#7c3aed"
                strokeWidth={2}
                dot={{ r: 2 }}
                connectNulls
                type="monotone"
              />
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
    </Card>
  );
}
