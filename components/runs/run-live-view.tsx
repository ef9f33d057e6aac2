"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorMessage } from "@/lib/query/api";
import { ApiError } from "@/lib/query/fetch-json";
import { isRunOver, type LiveRun, runTotals } from "@/lib/query/run-state";
import { useCancelRun, useRerun } from "@/lib/query/runs";
import { useRunEvents } from "@/lib/query/use-run-events";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { formatCost, formatDateTime, formatMs, formatTokens } from "@/components/ui/format";
import { Skeleton } from "@/components/ui/skeleton";
import { ToastProvider, useToast } from "@/components/ui/toast";
import { useNow } from "@/components/ui/use-now";
import { isCacheHit } from "./cache-badge";
import { StatusBadge } from "./status-badge";
import { StepPanel } from "./step-panel";

function elapsedMs(run: LiveRun, now: number): number | null {
  if (run.latencyMs !== null && isRunOver(run.status)) return run.latencyMs;
  if (run.startedAtMs === null) return null;
  return (run.endedAtMs ?? now) - run.startedAtMs;
}

function RunHeader({ run }: { run: LiveRun }) {
  const router = useRouter();
  const toast = useToast();
  const over = isRunOver(run.status);
  const now = useNow(!over, 200);
  const cancel = useCancelRun(run.id);
  const rerun = useRerun(run.id);
  const totals = runTotals(run);
  const rawElapsed = elapsedMs(run, now);
  const elapsed = rawElapsed === null ? null : Math.max(0, rawElapsed);
  const cached = run.steps.filter((s) => isCacheHit(s.cacheStatus)).length;
  const [taskOpen, setTaskOpen] = useState(false);
  const long = (run.task?.length ?? 0) > 280;

  return (
    <Card className="p-5">
      <div className="flex flex-wrap items-start gap-4">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="text-xl font-semibold tracking-tight">Run</h1>
            <div aria-live="polite" className="contents">
              <StatusBadge status={run.status} testId="run-status" />
            </div>
            {run.mode ? <Badge tone="indigo">{run.mode}</Badge> : null}
            {cached > 0 ? (
              <Badge tone="violet" data-testid="run-cached">
                {cached} cached
              </Badge>
            ) : null}
            {run.connection === "reconnecting" ? (
              <Badge tone="amber" data-testid="run-connection" role="status">
                reconnecting…
              </Badge>
            ) : null}
          </div>
          <p className="mt-1 font-mono text-xs text-slate-400">
            {run.id}
            {run.createdAt ? ` · ${formatDateTime(run.createdAt)}` : ""}
            {run.rerunOfId ? (
              <>
                {" · re-run of "}
                <Link href={`/runs/${run.rerunOfId}`} className="text-indigo-600 underline">
                  {run.rerunOfId.slice(0, 8)}
                </Link>
              </>
            ) : null}
          </p>
        </div>
        <div className="flex gap-2">
          {!over ? (
            <Button
              variant="danger"
              data-testid="run-cancel"
              disabled={cancel.isPending || cancel.isSuccess}
              onClick={() =>
                cancel.mutate(undefined, {
                  onError: (e) => toast(`Could not cancel: ${errorMessage(e)}`, "error"),
                })
              }
            >
              {cancel.isPending || cancel.isSuccess ? "Cancelling…" : "Cancel"}
            </Button>
          ) : (
            <Button
              variant="primary"
              data-testid="run-rerun"
              disabled={rerun.isPending}
              onClick={() =>
                rerun.mutate(undefined, {
                  onSuccess: ({ id }) => router.push(`/runs/${id}`),
                  onError: (e) => toast(`Could not re-run: ${errorMessage(e)}`, "error"),
                })
              }
            >
              {rerun.isPending ? "Starting…" : "Re-run"}
            </Button>
          )}
        </div>
      </div>

      <dl className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
        {[
          { label: "Elapsed", value: formatMs(elapsed), testId: "run-elapsed" },
          {
            label: "Steps",
            value: `${run.steps.filter((s) => s.status === "succeeded").length} / ${run.steps.length} done`,
            testId: "run-steps",
          },
          { label: "Tokens", value: formatTokens(totals.tokens), testId: "run-tokens" },
          { label: "Cost", value: formatCost(totals.costUsd), testId: "run-cost" },
        ].map((s) => (
          <div key={s.label} className="rounded-lg bg-slate-50 px-3 py-2">
            <dt className="text-xs text-slate-500">{s.label}</dt>
            <dd className="text-lg font-semibold tabular-nums" data-testid={s.testId}>
              {s.value}
            </dd>
          </div>
        ))}
      </dl>

      {run.errorMessage ? (
        <p role="alert" className="mt-3 rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {run.errorMessage}
        </p>
      ) : null}

      {run.task !== null ? (
        <div className="mt-4">
          <div className="flex items-center justify-between">
            <h2 className="text-sm font-medium text-slate-700">Task</h2>
            {long ? (
              <button
                type="button"
                className="rounded text-xs font-medium text-indigo-600 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
                aria-expanded={taskOpen}
                aria-controls="run-task-text"
                onClick={() => setTaskOpen((o) => !o)}
                data-testid="run-task-toggle"
              >
                {taskOpen ? "Show less" : "Show all"}
              </button>
            ) : null}
          </div>
          <p
            id="run-task-text"
            data-testid="run-task-text"
            className={`mt-1 whitespace-pre-wrap break-words text-sm text-slate-700 ${long && !taskOpen ? "line-clamp-3" : ""}`}
          >
            {run.task}
          </p>
        </div>
      ) : null}
    </Card>
  );
}

function RunLiveViewInner({ runId }: { runId: string }) {
  const { run, loaded, loadError } = useRunEvents(runId);

  if (loadError) {
    const notFound = loadError instanceof ApiError && loadError.status === 404;
    return (
      <EmptyState title={notFound ? "Run not found" : "Could not load the run"} testId="run-error">
        {notFound ? "It may belong to another team." : errorMessage(loadError)}{" "}
        <Link href="/runs" className="font-medium text-indigo-600 underline">
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

  const showDeps = run.mode === "chain" || run.mode === "dag";
  const agentOf = new Map(run.steps.map((s) => [s.key, s.agentName] as const));
  const labelOf = (key: string) => {
    const agent = agentOf.get(key);
    return agent === undefined || agent === key ? key : `${agent} (${key})`;
  };
  return (
    <div className="space-y-6" data-testid="run-view">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
        <Link href="/runs" className="hover:text-slate-800 hover:underline">
          Runs
        </Link>{" "}
        / <span className="font-mono">{run.id.slice(0, 8)}</span>
      </nav>
      <RunHeader run={run} />
      {run.steps.length === 0 ? (
        <EmptyState title="Waiting for the run to start…" />
      ) : (
        <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3" data-testid="step-grid">
          {run.steps.map((step) => (
            <StepPanel key={step.key} step={step} showDeps={showDeps} labelOf={labelOf} />
          ))}
        </div>
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
