import { formatBytes, formatCount, formatMs, formatPercent, formatUsd } from "@/lib/query/format";
import type { CacheStatsView } from "@/lib/cache-admin/views";

function Kpi({
  title,
  value,
  detail,
  testId,
  raw,
}: {
  title: string;
  value: string;
  detail?: string;
  testId: string;
  raw: number;
}) {
  return (
    <div
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      data-testid={testId}
      data-value={raw}
    >
      <h3 className="text-xs font-medium uppercase tracking-wide text-slate-600">{title}</h3>
      <p className="mt-2 text-2xl font-semibold tabular-nums" data-testid={`${testId}-value`}>
        {value}
      </p>
      {detail ? <p className="mt-1 text-xs text-slate-600">{detail}</p> : null}
    </div>
  );
}

function Usage({
  label,
  used,
  limit,
  detail,
}: {
  label: string;
  used: number;
  limit: number | null;
  detail: string;
}) {
  const fraction = limit && limit > 0 ? Math.min(1, used / limit) : 0;
  const tone = fraction > 0.9 ? "bg-rose-500" : fraction > 0.7 ? "bg-amber-500" : "bg-indigo-500";
  return (
    <div>
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span className="font-medium text-slate-700">{label}</span>
        <span className="tabular-nums text-slate-600">
          {formatBytes(used)} {limit ? `of ${formatBytes(limit)}` : "(no limit)"}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={`${label} size`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
        aria-valuetext={limit ? `${formatPercent(fraction)} of the limit` : "no limit"}
        className="mt-1.5 h-2 overflow-hidden rounded-full bg-slate-100"
      >
        <div className={`h-full rounded-full ${tone}`} style={{ width: `${fraction * 100}%` }} />
      </div>
      <p className="mt-1 text-xs text-slate-600">{detail}</p>
    </div>
  );
}

export function KpiCards({ stats }: { stats: CacheStatsView }) {
  const t = stats.totals;
  const hits = t.hitsMemory + t.hitsDb + t.coalesced;
  const tokens = t.inputTokensSaved + t.outputTokensSaved;
  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
        <Kpi
          testId="cache-kpi-hit-rate"
          title="Hit rate"
          value={formatPercent(t.hitRate)}
          raw={t.hitRate}
          detail={`${formatCount(hits)} hits · ${formatCount(t.misses)} misses`}
        />
        <Kpi
          testId="cache-kpi-cost"
          title="Saved"
          value={formatUsd(t.costSavedUsd)}
          raw={t.costSavedUsd}
          detail="model spend not paid"
        />
        <Kpi
          testId="cache-kpi-tokens"
          title="Tokens saved"
          value={formatCount(tokens)}
          raw={tokens}
          detail={`${formatCount(t.inputTokensSaved)} in · ${formatCount(t.outputTokensSaved)} out`}
        />
        <Kpi
          testId="cache-kpi-latency"
          title="Time saved"
          value={formatMs(t.latencySavedMs)}
          raw={t.latencySavedMs}
          detail="waiting not done"
        />
        <Kpi
          testId="cache-kpi-entries"
          title="Entries"
          value={formatCount(stats.size.entries)}
          raw={stats.size.entries}
          detail={
            stats.size.maxEntries
              ? `limit ${formatCount(stats.size.maxEntries)}`
              : `${formatCount(stats.memory.entries)} in memory`
          }
        />
      </div>
      <div
        className="grid gap-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2"
        data-testid="cache-size"
      >
        <Usage
          label="L2 · database"
          used={stats.size.bytes}
          limit={stats.size.maxBytes}
          detail={`${formatCount(stats.size.entries)} entries${stats.size.maxEntries ? ` of ${formatCount(stats.size.maxEntries)}` : ""}`}
        />
        <Usage
          label="L1 · memory (your share, this instance)"
          used={stats.memory.bytes}
          limit={stats.memory.maxBytes}
          detail={`${formatCount(stats.memory.entries)} entries · ${formatCount(t.evictions)} evictions${t.tampered ? ` · ${t.tampered} tampered` : ""}`}
        />
      </div>
    </div>
  );
}
