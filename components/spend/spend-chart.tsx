"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatUsd } from "@/lib/query/format";
import type { SpendRow } from "@/lib/spend/spend-view";

// currentColor: the figure's text colour, which follows the theme (app/globals.css).
const axis = { fontSize: 11, fill: "currentColor" };

/** Small amounts keep two significant digits, so the axis ticks stay distinct. */
const tick = (v: number) => (v === 0 ? "$0" : v < 0.01 ? `$${v.toPrecision(2)}` : formatUsd(v));

/** Every UTC day of [from, to), those without calls at zero, so gaps show as gaps. */
function everyDay(days: SpendRow[], from: string, to: string) {
  const byDay = new Map(days.map((d) => [d.group, d]));
  const out = [];
  const end = new Date(to).getTime();
  for (let t = Date.parse(from.slice(0, 10)); t < end; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    const row = byDay.get(day);
    out.push({ day: day.slice(5), cost: row?.costUsd ?? 0, saved: row?.savedUsd ?? 0 });
  }
  return out;
}

/** Cost and cache savings per UTC day, as stacked bars. */
export function SpendChart({ days, from, to }: { days: SpendRow[]; from: string; to: string }) {
  const data = days.length === 0 ? [] : everyDay(days, from, to);
  return (
    <figure
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="spend-chart"
    >
      <figcaption>
        <h2 className="text-sm font-semibold text-slate-800">Cost per day</h2>
        <p className="text-xs text-slate-600">
          What upstream calls cost (UTC days), with what the response cache saved on top.
        </p>
      </figcaption>
      <div className="mt-3 h-64 min-w-0 text-slate-600">
        {data.length === 0 ? (
          <div className="flex h-full items-center justify-center rounded-lg border border-dashed border-slate-200 text-sm text-slate-600">
            No model calls in this range yet.
          </div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} maxBarSize={40} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
              <XAxis dataKey="day" tick={axis} />
              <YAxis tick={axis} tickFormatter={tick} width={64} />
              <Tooltip formatter={(v) => tick(Number(v))} />
              <Bar dataKey="cost" name="Cost" stackId="usd" fill="#059669" />
              <Bar dataKey="saved" name="Saved by the cache" stackId="usd" fill="#a5b4fc" />
            </BarChart>
          </ResponsiveContainer>
        )}
      </div>
    </figure>
  );
}
