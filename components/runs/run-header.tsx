"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorMessage } from "@/lib/query/fetch-json";
import { formatCount, formatMs, formatUsd } from "@/lib/query/format";
import { runTotals } from "@/lib/query/live-stats";
import type { LiveRun } from "@/lib/query/run-state";
import { useCancelRun, useRerun } from "@/lib/query/runs";
import { isFinished, isServedFromCache } from "@/lib/runs/status";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { RelativeTime } from "@/components/ui/relative-time";
import { useToast } from "@/components/ui/toast";
import { useNow } from "@/components/ui/use-now";
import { RetryFailedButton } from "./retry-failed-button";
import { RunManageActions } from "./run-manage-actions";
import { RunTags } from "./run-tags";
import { RunTitle } from "./run-title";
import { StatusBadge } from "./status-badge";

function elapsedMs(run: LiveRun, now: number): number | null {
  if (run.latencyMs !== null && isFinished(run.status)) return run.latencyMs;
  if (run.startedAtMs === null) return null;
  return Math.max(0, (run.endedAtMs ?? now) - run.startedAtMs);
}

/** Cancel while the run is live; once it is over, Re-run, Retry failed steps and Open in composer. */
function RunActions({ run }: { run: LiveRun }) {
  const router = useRouter();
  const toast = useToast();
  const cancel = useCancelRun(run.id);
  const rerun = useRerun(run.id);
  if (!isFinished(run.status)) {
    return (
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
    );
  }
  return (
    <>
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
      <RetryFailedButton run={run} />
      <Link
        href={`/runs?from=${encodeURIComponent(run.id)}`}
        className={buttonClass("secondary")}
        data-testid="run-open-composer"
      >
        Open in composer
      </Link>
    </>
  );
}

/** Elapsed, steps done, tokens and cost; "≈" while part of them are estimates from streamed text. */
function RunStats({ run }: { run: LiveRun }) {
  const now = useNow(!isFinished(run.status), 200);
  const totals = runTotals(run);
  const approx = totals.estimated ? "≈ " : "";
  const stats = [
    { label: "Elapsed", value: formatMs(elapsedMs(run, now)), testId: "run-elapsed" },
    {
      label: "Steps",
      value: `${run.steps.filter((s) => s.status === "succeeded").length} / ${run.steps.length} done`,
      testId: "run-steps",
    },
    { label: "Tokens", value: `${approx}${formatCount(totals.tokens)}`, testId: "run-tokens" },
    {
      label: "Cost",
      value: `${totals.costUsd !== null ? approx : ""}${formatUsd(totals.costUsd)}`,
      testId: "run-cost",
    },
  ];
  return (
    <dl className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
      {stats.map((s) => (
        <div key={s.label} className="rounded-lg bg-slate-50 px-3 py-2">
          <dt className="text-xs text-slate-600">{s.label}</dt>
          <dd className="text-lg font-semibold tabular-nums" data-testid={s.testId}>
            {s.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function RunTask({ task }: { task: string }) {
  const [open, setOpen] = useState(false);
  const long = task.length > 280;
  return (
    <div className="mt-4">
      <div className="flex items-center justify-between">
        <h2 className="text-sm font-medium text-slate-700">Task</h2>
        {long ? (
          <button
            type="button"
            className="rounded text-xs font-medium text-indigo-700 hover:underline"
            aria-expanded={open}
            aria-controls="run-task-text"
            onClick={() => setOpen((o) => !o)}
            data-testid="run-task-toggle"
          >
            {open ? "Show less" : "Show all"}
          </button>
        ) : null}
      </div>
      <p
        id="run-task-text"
        data-testid="run-task-text"
        className={`mt-1 whitespace-pre-wrap break-words text-sm text-slate-700 ${long && !open ? "line-clamp-3" : ""}`}
      >
        {task}
      </p>
    </div>
  );
}

export function RunHeader({ run }: { run: LiveRun }) {
  const cached = run.steps.filter((s) => isServedFromCache(s.cacheStatus)).length;
  return (
    <Card className="p-5">
      <div className="flex flex-wrap items-start gap-4">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <RunTitle key={run.title ?? ""} runId={run.id} title={run.title} />
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
            {run.title !== null ? (
              <RunTags key={run.tags.join(",")} runId={run.id} tags={run.tags} />
            ) : null}
          </div>
          <p className="mt-1 break-all font-mono text-xs text-slate-600">
            {run.id}
            {run.createdAt ? (
              <>
                {" · "}
                <RelativeTime iso={run.createdAt} />
              </>
            ) : null}
            {run.rerunOfId ? (
              <>
                {" · re-run of "}
                <Link href={`/runs/${run.rerunOfId}`} className="text-indigo-700 underline">
                  {run.rerunOfId.slice(0, 8)}
                </Link>
              </>
            ) : null}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <RunActions run={run} />
          <RunManageActions
            runId={run.id}
            title={run.title ?? "this run"}
            finished={isFinished(run.status)}
          />
        </div>
      </div>
      <RunStats run={run} />
      {run.errorMessage ? (
        <p role="alert" className="mt-3 rounded-lg bg-rose-50 px-3 py-2 text-sm text-rose-800">
          {run.errorMessage}
        </p>
      ) : null}
      {run.task !== null ? <RunTask task={run.task} /> : null}
    </Card>
  );
}
