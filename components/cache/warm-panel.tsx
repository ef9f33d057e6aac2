"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { CACHE_KEY, getWarmJob, startWarm } from "@/lib/query/cache";
import type { WarmJobView } from "@/lib/cache-admin/views";
import { WarmJobProgress } from "./warm-job-progress";

const ACTIVE = new Set(["queued", "pending", "running"]);

function isActive(job: WarmJobView | undefined): boolean {
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
        Recompute the most-hit requests so they stay fresh. Warming keeps their hit counts and
        counts as neither a hit nor a miss.
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
        <p role="alert" className="mt-3 text-sm text-rose-700">
          {start.error.message}
        </p>
      ) : null}
      {current ? (
        <WarmJobProgress
          job={current}
          finished={finished}
          error={job.isError ? job.error.message : null}
        />
      ) : null}
    </section>
  );
}
