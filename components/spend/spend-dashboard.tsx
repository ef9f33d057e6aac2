"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { formatUsd } from "@/lib/query/format";
import { getSpend, SPEND_KEY, type SpendBy } from "@/lib/query/spend";
import { SpendChart } from "./spend-chart";
import { SpendTable } from "./spend-table";

const RANGES = [7, 30, 90] as const;
const GROUPS: readonly { by: SpendBy; label: string }[] = [
  { by: "model", label: "Model" },
  { by: "key", label: "API key" },
  { by: "agent", label: "Agent" },
];

function Toggle<T extends string | number>(props: {
  label: string;
  options: readonly { value: T; text: string }[];
  value: T;
  onChange: (v: T) => void;
  testId: string;
}) {
  return (
    <div
      role="group"
      aria-label={props.label}
      className="inline-flex rounded-lg border border-slate-200 bg-white p-0.5 shadow-sm"
    >
      {props.options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={o.value === props.value}
          onClick={() => props.onChange(o.value)}
          className={`rounded-md px-3 py-1 text-sm ${o.value === props.value ? "bg-indigo-600 font-medium text-white" : "text-slate-600 hover:bg-slate-50"}`}
          data-testid={`${props.testId}-${o.value}`}
        >
          {o.text}
        </button>
      ))}
    </div>
  );
}

function Kpi({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
      <p className="text-xs font-medium uppercase text-slate-600">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </p>
    </div>
  );
}

/** Cost of model calls (runs, gateway, warming) over time and by model, key or agent. */
export function SpendDashboard() {
  const [days, setDays] = useState<number>(30);
  const [by, setBy] = useState<SpendBy>("model");
  const perDay = useQuery({
    queryKey: [...SPEND_KEY, "day", days],
    queryFn: () => getSpend("day", days),
    placeholderData: (previous) => previous,
  });
  const grouped = useQuery({
    queryKey: [...SPEND_KEY, by, days],
    queryFn: () => getSpend(by, days),
    placeholderData: (previous) => previous,
  });
  const error = perDay.error ?? grouped.error;

  return (
    <div className="space-y-6" data-testid="spend-dashboard">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Spend</h1>
          <p className="mt-1 max-w-2xl text-slate-600">
            What model calls cost at Anthropic&apos;s prices — runs, gateway clients and cache
            warming — with prompt-cache writes and reads priced apart. Answers from the response
            cache cost nothing; what they would have cost shows as saved.
          </p>
        </div>
        <Toggle
          label="Time range"
          testId="spend-range"
          value={days}
          onChange={setDays}
          options={RANGES.map((d) => ({ value: d, text: `${d} days` }))}
        />
      </div>
      {error ? (
        <p role="alert" className="rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
          Could not load spend: {error.message}
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        <Kpi label="Spent" value={formatUsd(perDay.data?.totalUsd)} testId="spend-total" />
        <Kpi
          label="Saved by the cache"
          value={formatUsd(perDay.data?.savedUsd)}
          testId="spend-saved"
        />
      </div>
      <SpendChart
        days={perDay.data?.rows ?? []}
        from={perDay.data?.from ?? ""}
        to={perDay.data?.to ?? ""}
      />
      <section
        className="rounded-xl border border-slate-200 bg-white shadow-sm"
        aria-labelledby="spend-by"
      >
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 p-4">
          <h2 id="spend-by" className="text-sm font-semibold text-slate-800">
            Spend by {GROUPS.find((g) => g.by === by)?.label.toLowerCase()}
          </h2>
          <Toggle
            label="Group by"
            testId="spend-by"
            value={by}
            onChange={setBy}
            options={GROUPS.map((g) => ({ value: g.by, text: g.label }))}
          />
        </div>
        <SpendTable rows={grouped.data?.rows ?? []} caption={`Spend by ${by}, last ${days} days`} />
      </section>
    </div>
  );
}
