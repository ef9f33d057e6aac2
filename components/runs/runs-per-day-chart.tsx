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

/** One day of the chart: runs by outcome (stacked bars) and average latency in seconds (a line). */
export interface DayPoint {
  day: string;
  succeeded: number;
  failed: number;
  other: number;
  latency: number | null;
}

/** The runs-per-day bars and the latency line on a second axis. */
export function RunsPerDayChart({ data }: { data: DayPoint[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <ComposedChart
        accessibilityLayer={false}
        data={data}
        margin={{ top: 4, right: 4, bottom: 0, left: -16 }}
      >
        <CartesianGrid stroke="var(--color-slate-200)" vertical={false} />
        <XAxis
          dataKey="day"
          tick={{ fontSize: 11, fill: "currentColor" }}
          tickLine={false}
          axisLine={false}
          interval="preserveStartEnd"
        />
        <YAxis
          yAxisId="runs"
          allowDecimals={false}
          tick={{ fontSize: 11, fill: "currentColor" }}
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
  );
}
