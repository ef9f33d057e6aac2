"use client";

import type { WarmJobView } from "@/lib/cache-admin/views";

/** A warm-up job's status, counts and progress bar (amber once any request failed). */
export function WarmJobProgress({
  job,
  finished,
  error,
}: {
  job: WarmJobView;
  finished: boolean;
  /** Why the last poll of the job failed, if it did. */
  error: string | null;
}) {
  // An empty job is not "Done 0/0" with a full bar: say why there was nothing to do.
  if (finished && job.total === 0)
    return (
      <p
        className="mt-4 text-sm text-slate-700"
        data-testid="cache-warm-job"
        data-status={job.status}
        data-empty="true"
      >
        Nothing to warm: no cached requests yet. Answers cached by runs or gateway calls can be
        warmed later.
      </p>
    );
  const percent = job.total > 0 ? Math.round(((job.done + job.failed) / job.total) * 100) : 0;

  return (
    <div className="mt-4" data-testid="cache-warm-job" data-status={job.status}>
      <div className="flex justify-between text-sm">
        <span className="capitalize text-slate-700">{job.status}</span>
        <span className="tabular-nums text-slate-600">
          {job.done} / {job.total} done
          {job.failed ? ` · ${job.failed} failed` : ""}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label="Warm-up progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="mt-1.5 h-2 overflow-hidden rounded-full bg-slate-100"
      >
        <div
          className={`h-full rounded-full transition-all ${job.failed ? "bg-amber-500" : "bg-emerald-500"}`}
          style={{ width: `${percent}%` }}
        />
      </div>
      {error ? <p className="mt-2 text-sm text-rose-700">{error}</p> : null}
    </div>
  );
}
