"use client";

import type { ReactNode } from "react";
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatCount, formatMs, formatTick, formatUsd } from "@/lib/query/format";
import type { CacheRange, CacheSeriesPointView } from "@/lib/cache-admin/views";

const COLORS = {
  memory: "#4f46e5", // indigo-600
  db: "#8b5cf6", // violet-500
  coalesced: "#0ea5e9", // sky-500
  miss: "#cbd5e1", // slate-300
  tokens: "#6366f1",
  dollars: "#059669",
  latency: "#7c3aed",
};

function ChartCard({
  title,
  description,
  testId,
  empty,
  children,
}: {
  title: string;
  description: string;
  testId: string;
  empty: boolean;
  children: ReactNode;
}) {
  return (
    <figure
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      data-testid={testId}
    >
      <figcaption>
        <h3 className="text-sm font-semibold text-slate-800">{title}</h3>
        <p className="text-xs text-slate-600">{description}</p>
      </figcaption>
      <div className="mt-3 h-60 min-w-0 text-slate-600">
        {empty ? (
          <div className="flex h-full items-center justify-center rounded-lg border border-dashed border-slate-200 text-sm text-slate-600">
            No traffic in this range yet.
          </div>
        ) : (
          children
        )}
      </div>
    </figure>
  );
}

// currentColor: the figure's text colour, which follows the theme (app/globals.css).
const axis = { fontSize: 11, fill: "currentColor" };

export function HitsChart({
  series,
  range,
}: {
  series: CacheSeriesPointView[];
  range: CacheRange;
}) {
  const empty = series.every((p) => p.hitsMemory + p.hitsDb + p.coalesced + p.misses === 0);
  return (
    <ChartCard
      testId="cache-chart-hits"
      title="Lookups: hits by tier vs misses"
      description="Memory (L1), database (L2) and coalesced hits, stacked on misses."
      empty={empty}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart
          accessibilityLayer={false}
          data={series}
          margin={{ top: 4, right: 8, bottom: 0, left: -16 }}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-slate-200)" vertical={false} />
          <XAxis
            dataKey="at"
            tickFormatter={(v: string) => formatTick(v, range)}
            tick={axis}
            minTickGap={24}
          />
          <YAxis allowDecimals={false} tick={axis} />
          <Tooltip labelFormatter={(v) => new Date(String(v)).toLocaleString()} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar
            isAnimationActive={false}
            dataKey="hitsMemory"
            name="Hit · memory"
            stackId="a"
            fill={COLORS.memory}
          />
          <Bar
            isAnimationActive={false}
            dataKey="hitsDb"
            name="Hit · database"
            stackId="a"
            fill={COLORS.db}
          />
          <Bar
            isAnimationActive={false}
            dataKey="coalesced"
            name="Coalesced"
            stackId="a"
            fill={COLORS.coalesced}
          />
          <Bar
            isAnimationActive={false}
            dataKey="misses"
            name="Miss"
            stackId="a"
            fill={COLORS.miss}
          />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function SavingsChart({
  series,
  range,
}: {
  series: CacheSeriesPointView[];
  range: CacheRange;
}) {
  const data = series.map((p) => ({
    at: p.at,
    tokens: p.inputTokensSaved + p.outputTokensSaved,
    dollars: p.costSavedUsd,
  }));
  const empty = data.every((p) => p.tokens === 0 && p.dollars === 0);
  return (
    <ChartCard
      testId="cache-chart-savings"
      title="Tokens and dollars saved"
      description="Tokens not sent or generated again, and what they would have cost."
      empty={empty}
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart
          accessibilityLayer={false}
          data={data}
          margin={{ top: 4, right: 0, bottom: 0, left: -8 }}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-slate-200)" vertical={false} />
          <XAxis
            dataKey="at"
            tickFormatter={(v: string) => formatTick(v, range)}
            tick={axis}
            minTickGap={24}
          />
          <YAxis yAxisId="tokens" tickFormatter={(v: number) => formatCount(v)} tick={axis} />
          <YAxis
            yAxisId="dollars"
            orientation="right"
            tickFormatter={(v: number) => formatUsd(v)}
            tick={axis}
          />
          <Tooltip
            labelFormatter={(v) => new Date(String(v)).toLocaleString()}
            formatter={(value, name) =>
              name === "Dollars saved" ? formatUsd(Number(value)) : formatCount(Number(value))
            }
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Area
            isAnimationActive={false}
            yAxisId="tokens"
            type="monotone"
            dataKey="tokens"
            name="Tokens saved"
            stroke={COLORS.tokens}
            fill={COLORS.tokens}
            fillOpacity={0.15}
          />
          <Line
            isAnimationActive={false}
            yAxisId="dollars"
            type="monotone"
            dataKey="dollars"
            name="Dollars saved"
            stroke={COLORS.dollars}
            strokeWidth={2}
            dot={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function LatencyChart({
  series,
  range,
}: {
  series: CacheSeriesPointView[];
  range: CacheRange;
}) {
  const empty = series.every((p) => p.latencySavedMs === 0);
  return (
    <ChartCard
      testId="cache-chart-latency"
      title="Latency saved"
      description="Time callers did not spend waiting for the model."
      empty={empty}
    >
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart
          accessibilityLayer={false}
          data={series}
          margin={{ top: 4, right: 8, bottom: 0, left: -8 }}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="var(--color-slate-200)" vertical={false} />
          <XAxis
            dataKey="at"
            tickFormatter={(v: string) => formatTick(v, range)}
            tick={axis}
            minTickGap={24}
          />
          <YAxis tickFormatter={(v: number) => formatMs(v)} tick={axis} />
          <Tooltip
            labelFormatter={(v) => new Date(String(v)).toLocaleString()}
            formatter={(value) => formatMs(Number(value))}
          />
          <Area
            isAnimationActive={false}
            type="monotone"
            dataKey="latencySavedMs"
            name="Latency saved"
            stroke={COLORS.latency}
            fill={COLORS.latency}
            fillOpacity={0.15}
          />
        </AreaChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
