"use client";

import { useQuery } from "@tanstack/react-query";
import { getHealth } from "@/lib/query/health";
import type { HealthReport } from "@/lib/health-view";
import { CircuitList } from "./circuit-list";

const LABEL = {
  postgres: "PostgreSQL server",
  pglite: "Embedded PGlite",
  redis: "Redis",
  upstash: "Upstash Redis (REST)",
  memory: "In-process",
  anthropic: "Anthropic API",
  simulator: "Simulator",
} as const;

function Card(props: {
  title: string;
  value: string;
  detail?: string;
  ok: boolean;
  testId: string;
}) {
  return (
    <div
      className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      data-testid={props.testId}
    >
      <div className="flex items-center justify-between">
        <h3 className="text-xs font-medium uppercase tracking-wide text-slate-600">
          {props.title}
        </h3>
        <span
          className={`h-2.5 w-2.5 rounded-full ${props.ok ? "bg-emerald-500" : "bg-rose-500"}`}
          role="img"
          aria-label={props.ok ? "healthy" : "unhealthy"}
        />
      </div>
      <p className="mt-2 text-lg font-semibold" data-testid={`${props.testId}-value`}>
        {props.value}
      </p>
      {props.detail ? <p className="mt-1 text-sm text-slate-600">{props.detail}</p> : null}
    </div>
  );
}

export function StatusPanel() {
  const health = useQuery({
    queryKey: ["health"],
    // 503 still carries a report: read it rather than treating it as an error.
    queryFn: ({ signal }) => getHealth(signal),
    refetchInterval: 10_000,
  });

  if (health.isPending) return <p className="text-slate-600">Checking the system…</p>;
  if (health.isError) return <p className="text-rose-700">The server did not answer.</p>;
  const h = health.data;

  return (
    <section aria-labelledby="status-heading" data-testid="status-panel" data-status={h.status}>
      <h2 id="status-heading" className="mb-3 text-sm font-semibold text-slate-700">
        System status:{" "}
        <span className={h.status === "ok" ? "text-emerald-700" : "text-rose-700"}>{h.status}</span>
      </h2>
      {h.provider.kind === "simulator" ? (
        <p
          className="mb-4 rounded-lg border border-amber-200 bg-amber-50 px-4 py-2 text-sm text-amber-900"
          data-testid="simulator-banner"
        >
          Simulator — set ANTHROPIC_API_KEY to use Claude.
        </p>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Card
          testId="status-database"
          title="Database"
          value={h.database.kind}
          detail={LABEL[h.database.kind]}
          ok={h.database.reachable}
        />
        <Card
          testId="status-migrations"
          title="Migrations applied"
          value={h.database.migrations === null ? "—" : String(h.database.migrations)}
          ok={h.database.migrations !== null}
        />
        <Card
          testId="status-store"
          title="Rate-limit store"
          value={h.store.kind}
          detail={LABEL[h.store.kind]}
          ok={h.store.reachable}
        />
        <Card
          testId="status-provider"
          title="Model provider"
          value={h.provider.kind}
          detail={providerDetail(h.provider)}
          ok={!h.provider.keys || h.provider.keys.refused.length === 0}
        />
      </div>
      <CircuitList circuits={h.circuits} />
    </section>
  );
}

/** The provider's label, and with several keys how many are in use and which were refused. */
function providerDetail(provider: HealthReport["provider"]): string {
  const keys = provider.keys;
  if (!keys || keys.total < 2) {
    if (keys?.refused.length) return `${LABEL[provider.kind]}; the API refused its key`;
    return LABEL[provider.kind];
  }
  const refused = keys.refused.map((k) => `#${k.position}`).join(", ");
  return `${keys.active} of ${keys.total} keys in use${refused ? `; refused: ${refused}` : ""}`;
}
