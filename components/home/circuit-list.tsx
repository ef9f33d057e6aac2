"use client";

import type { HealthReport } from "@/lib/health-view";
import { describeCircuits } from "@/lib/query/circuit-view";
import { formatAbsolute } from "@/lib/query/format";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { useNow } from "@/components/ui/use-now";

const TONE: Record<"ok" | "bad" | "warn", BadgeTone> = {
  ok: "emerald",
  bad: "rose",
  warn: "amber",
};

/**
 * Each model's circuit breaker (issue 10): its state, since when, and when an open one tries
 * again. A list rather than a table so it stays inside 390 px.
 */
export function CircuitList({ circuits }: { circuits: HealthReport["circuits"] }) {
  // Ticks each second only while a circuit is open, for the "next probe in 12 s" countdown.
  const now = useNow(
    circuits.some((c) => c.state !== "closed"),
    1000,
  );
  const lines = describeCircuits(circuits, now);
  const byModel = new Map(circuits.map((c) => [c.model, c]));
  return (
    <div className="mt-4" data-testid="status-circuits">
      <h3 className="mb-2 text-xs font-medium uppercase tracking-wide text-slate-600">
        Model circuit breakers
      </h3>
      {lines.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="status-circuits-empty">
          No model called since this server started.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white shadow-sm">
          {lines.map((line) => (
            <li
              key={line.model}
              className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-2 text-sm"
              data-testid="status-circuit"
              data-model={line.model}
              data-state={line.state}
            >
              <span className="min-w-0 break-all font-mono text-slate-800">{line.model}</span>
              <Badge tone={TONE[line.tone]}>{line.state}</Badge>
              <span className="text-slate-600">{line.meaning}</span>
              <span
                className="text-slate-600"
                title={formatAbsolute(byModel.get(line.model)?.since ?? "")}
                suppressHydrationWarning
              >
                {line.since}
              </span>
              {line.state === "closed" ? null : (
                <span className="font-medium text-slate-800" data-testid="status-circuit-probe">
                  {line.nextProbe}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
