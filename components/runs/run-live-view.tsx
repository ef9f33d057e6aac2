"use client";

import Link from "next/link";
import { useState } from "react";
import { ApiError, errorMessage } from "@/lib/query/fetch-json";
import type { LiveRun } from "@/lib/query/run-state";
import { useRunEvents } from "@/lib/query/use-run-events";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { ToastProvider } from "@/components/ui/toast";
import { CompareView } from "./compare-view";
import { RunHeader } from "./run-header";
import { RunTimeline } from "./run-timeline";
import { StepPanel } from "./step-panel";

type View = "steps" | "compare" | "timeline";

const VIEW_LABELS: Record<View, string> = {
  steps: "Steps",
  compare: "Compare answers",
  timeline: "Timeline",
};

function ViewSwitch(props: { view: View; onChange: (view: View) => void; views: View[] }) {
  const { view, onChange } = props;
  return (
    <div
      role="group"
      aria-label="View"
      className="inline-flex rounded-lg border border-slate-200 bg-white p-0.5 shadow-sm"
    >
      {props.views.map((v) => (
        <button
          key={v}
          type="button"
          aria-pressed={view === v}
          onClick={() => onChange(v)}
          className={`rounded-md px-3 py-1 text-sm ${view === v ? "bg-indigo-600 font-medium text-white" : "text-slate-700 hover:bg-slate-100"}`}
          data-testid={`run-view-${v}`}
        >
          {VIEW_LABELS[v]}
        </button>
      ))}
    </div>
  );
}

function StepGrid({ run }: { run: LiveRun }) {
  const showDeps = run.mode === "chain" || run.mode === "dag";
  const agentOf = new Map(run.steps.map((s) => [s.key, s.agentName] as const));
  const names = run.steps.map((s) => s.agentName);
  const repeated = (name: string) => names.indexOf(name) !== names.lastIndexOf(name);
  // People know steps by their agent; a generated key (step-1) shows only where it tells apart
  // two steps of the same agent, or where the plan named the steps itself (a DAG).
  const showKey = (name: string) => run.mode === "dag" || repeated(name);
  const labelOf = (key: string) => {
    const agent = agentOf.get(key);
    if (agent === undefined || agent === key) return key;
    return showKey(agent) ? `${agent} (${key})` : agent;
  };
  return (
    <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3" data-testid="step-grid">
      {run.steps.map((step) => (
        <StepPanel
          key={step.key}
          step={step}
          showDeps={showDeps}
          showKey={showKey(step.agentName)}
          labelOf={labelOf}
        />
      ))}
    </div>
  );
}

function RunLiveViewInner({ runId }: { runId: string }) {
  const { run, loaded, loadError } = useRunEvents(runId);
  const [view, setView] = useState<View>("steps");

  if (loadError) {
    const notFound = loadError instanceof ApiError && loadError.status === 404;
    return (
      <EmptyState title={notFound ? "Run not found" : "Could not load the run"} testId="run-error">
        {notFound ? "It may belong to another team." : errorMessage(loadError)}{" "}
        <Link href="/runs" className="font-medium text-indigo-700 underline">
          Back to runs
        </Link>
      </EmptyState>
    );
  }
  if (!loaded) {
    return (
      <div className="space-y-4" role="status" aria-label="Loading the run">
        <Skeleton className="h-40 rounded-xl" />
        <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
          <Skeleton className="h-56 rounded-xl" />
          <Skeleton className="h-56 rounded-xl" />
          <Skeleton className="h-56 rounded-xl" />
        </div>
      </div>
    );
  }

  const comparable = run.steps.filter((s) => s.output.length > 0).length >= 2;
  return (
    <div className="space-y-6" data-testid="run-view">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <Link href="/runs" className="hover:text-slate-800 hover:underline">
          Runs
        </Link>{" "}
        / <span className="font-mono">{run.id.slice(0, 8)}</span>
      </nav>
      <RunHeader run={run} />
      {run.steps.length > 0 ? (
        <ViewSwitch
          view={view}
          onChange={setView}
          views={comparable ? ["steps", "compare", "timeline"] : ["steps", "timeline"]}
        />
      ) : null}
      {run.steps.length === 0 ? (
        <EmptyState title="Waiting for the run to start…" />
      ) : comparable && view === "compare" ? (
        <CompareView run={run} />
      ) : view === "timeline" ? (
        <RunTimeline runId={run.id} status={run.status} />
      ) : (
        <StepGrid run={run} />
      )}
    </div>
  );
}

export function RunLiveView({ runId }: { runId: string }) {
  return (
    <ToastProvider>
      <RunLiveViewInner runId={runId} />
    </ToastProvider>
  );
}
