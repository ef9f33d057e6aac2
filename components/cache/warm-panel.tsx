"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { CACHE_KEY, getWarmJob, startWarm } from "./cache-api";
import type { WarmJob } from "./types";

const ACTIVE = new Set(["queued", "pending", "running"]);

function isActive(job: WarmJob | undefined): boolean {
  return job !== undefined && ACTIVE.has(job.status);
}

/** Re-fetches the N most-hit requests so they are fresh in the cache; shows the job's progress. */
export function WarmPanel() {
  const client = useQueryClient();
  const [topN, setTopN] = useState(10);
  const start = useMutation({ mutationFn: (n: number) => startWarm(n) });
  const jobId = start.data?.job.id ?? null;
  const job = useQuery({
    queryKey: [...CACHE_KEY, "warm", jobId],
    queryFn: async () => (await getWarmJob(jobId ?? "")).job,
    enabled: jobId !== null,
    initialData: start.data?.job,
    refetchInterval: (query) => (isActive(query.state.data) ? 1000 : false),
  });
  const current = job.data;
  const finished = current !== undefined && !isActive(current);

  useEffect(() => {
    if (finished) void client.invalidateQueries({ queryKey: [...CACHE_KEY, "stats"] });
    if (finished) void client.invalidateQueries({ queryKey: [...CACHE_KEY, "entries"] });
  }, [finished, client]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    start.mutate(topN);
  }

  const percent =
    current && current.total > 0
      ? Math.round(((current.done + current.failed) / current.total) * 100)
      : finished
        ? 100
        : 0;

  return (
    <section
      aria-labelledby="warm-heading"
      className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
      data-testid="cache-warm"
    >
      <h2 id="warm-heading" className="text-base font-semibold">
        Warm the cache
      </h2>
      <p className="mt-0.5 text-sm text-slate-600">
        Recompute the most-hit requests so they stay fresh.
      </p>
      <form onSubmit={onSubmit} className="mt-4 flex items-end gap-2">
        <div>
          <label htmlFor="warm-top-n" className="block text-sm text-slate-700">
            Top N
          </label>
          <input
            id="warm-top-n"
            type="number"
            min={1}
            max={1000}
            value={topN}
            onChange={(e) => setTopN(Math.max(1, Math.floor(Number(e.target.value) || 1)))}
            className="mt-1 w-24 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm"
            data-testid="cache-warm-n"
          />
        </div>
        <button
          type="submit"
          disabled={start.isPending || isActive(current)}
          className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-indigo-500 disabled:opacity-60"
          data-testid="cache-warm-start"
        >
          {start.isPending ? "Starting…" : isActive(current) ? "Warming…" : `Warm top ${topN}`}
        </button>
      </form>
      {start.error ? (
        <p role="alert" className="mt-3 text-sm text-rose-600">
          {start.error.message}
        </p>
      ) : null}
      {current ? (
        <div className="mt-4" data-testid="cache-warm-job" data-status={current.status}>
          <div className="flex justify-between text-sm">
            <span className="capitalize text-slate-700">{current.status}</span>
            <span className="tabular-nums text-slate-600">
              {current.done} / {current.total} done
              {current.failed ? ` · ${current.failed} failed` : ""}
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
              className={`h-full rounded-full transition-all ${current.failed ? "bg-amber-500" : "bg-emerald-500"}`}
              style={{ width: `${percent}%` }}
            />
          </div>
          {job.isError ? <p className="mt-2 text-sm text-rose-600">{job.error.message}</p> : null}
        </div>
      ) : null}
    </section>
  );
}
