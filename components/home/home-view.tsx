"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { Me } from "@/components/auth/types";
import { useHasRole, useMe } from "@/components/auth/use-me";
import { CACHE_KEY, getStats } from "@/lib/query/cache";
import { formatCount, formatUsd } from "@/lib/query/format";
import { useRunHistory, useRunStats } from "@/lib/query/runs";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { HistoryRow } from "@/components/runs/history-row";
import { StatusPanel } from "./status-panel";

const CTA =
  "inline-block rounded-lg bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500";

function Figure(props: { label: string; value: string; detail: string; testId: string }) {
  return (
    <Card className="p-4">
      <p className="text-xs font-medium uppercase tracking-wide text-slate-600">{props.label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid={props.testId}>
        {props.value}
      </p>
      <p className="text-xs text-slate-600">{props.detail}</p>
    </Card>
  );
}

/** Runs this week for everyone; what the cache saved for admins (the stats route is theirs). */
function WeekFigures({ admin }: { admin: boolean }) {
  const runs = useRunStats(7);
  const cache = useQuery({
    queryKey: [...CACHE_KEY, "stats", "7d"],
    queryFn: () => getStats("7d"),
    enabled: admin,
  });
  const total = runs.data?.reduce((n, b) => n + b.runs, 0);
  const failed = runs.data?.reduce((n, b) => n + b.failed, 0);
  return (
    <div className="grid gap-4 sm:grid-cols-3">
      <Figure
        label="Runs this week"
        value={total === undefined ? "—" : formatCount(total)}
        detail={failed ? `${formatCount(failed)} failed` : "none failed"}
        testId="home-runs-week"
      />
      {admin ? (
        <>
          <Figure
            label="Saved by the cache"
            value={formatUsd(cache.data?.totals.costSavedUsd)}
            detail="model spend not paid this week"
            testId="home-saved-week"
          />
          <Figure
            label="Cache hit rate"
            value={cache.data ? `${Math.round(cache.data.totals.hitRate * 100)}%` : "—"}
            detail={`${formatCount(cache.data?.size.entries ?? 0)} answers stored`}
            testId="home-hit-rate"
          />
        </>
      ) : null}
    </div>
  );
}

function RecentRuns() {
  const history = useRunHistory({});
  const runs = (history.data?.pages[0]?.runs ?? []).slice(0, 5);
  return (
    <section aria-labelledby="recent-heading" className="space-y-3">
      <div className="flex items-baseline justify-between">
        <h2 id="recent-heading" className="text-lg font-semibold tracking-tight">
          Recent runs
        </h2>
        <Link href="/runs" className="text-sm font-medium text-indigo-700 hover:underline">
          All runs
        </Link>
      </div>
      {history.isPending ? null : runs.length === 0 ? (
        <EmptyState title="No runs yet" testId="home-no-runs">
          Pick some agents, write a task, and watch their answers arrive side by side.
        </EmptyState>
      ) : (
        <Card className="overflow-hidden">
          <ul className="divide-y divide-slate-100" data-testid="home-recent-runs">
            {runs.map((run) => (
              <HistoryRow key={run.id} run={run} />
            ))}
          </ul>
        </Card>
      )}
    </section>
  );
}

function SignedInHome({ me }: { me: Me }) {
  const admin = useHasRole("admin");
  return (
    <div className="space-y-8" data-testid="home-signed-in">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{me.team.name}</h1>
          <p className="mt-1 text-slate-600">Welcome back, {me.user.name}.</p>
        </div>
        <Link href="/runs" className={CTA} data-testid="home-new-run">
          New run
        </Link>
      </div>
      <WeekFigures admin={admin} />
      <RecentRuns />
      {admin ? <StatusPanel /> : null}
    </div>
  );
}

function SignedOutHome() {
  return (
    <div className="space-y-8" data-testid="home-signed-out">
      <div>
        <h1 className="text-3xl font-semibold tracking-tight">Ensemble</h1>
        <p className="mt-2 max-w-2xl text-lg text-slate-600">
          Define agents, run one task on many of them at once, watch the answers stream in and
          compare them side by side — and never pay twice for the same answer.
        </p>
        <div className="mt-5 flex flex-wrap gap-3">
          <Link href="/sign-up" className={CTA}>
            Create a team
          </Link>
          <Link
            href="/sign-in"
            className="inline-block rounded-lg border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-100"
          >
            Sign in
          </Link>
        </div>
      </div>
      <StatusPanel />
    </div>
  );
}

/** The home page: a team's dashboard when signed in, what Ensemble is when not. */
export function HomeView() {
  const me = useMe();
  if (me.isPending) return null;
  return me.data ? <SignedInHome me={me.data} /> : <SignedOutHome />;
}
