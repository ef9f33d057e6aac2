"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { CACHE_KEY, purge } from "@/lib/query/cache";
import type { CacheStatsView } from "@/lib/cache-admin/views";
import { PurgeAgentRow, PurgeModelRow, PurgeOlderRow, type RunPurge } from "./purge-rows";

/** Purge by model, agent, age, or everything; each behind a confirmation. */
export function PurgePanel({ stats }: { stats: CacheStatsView | undefined }) {
  const client = useQueryClient();
  const [result, setResult] = useState<string | null>(null);

  const run: RunPurge = (target, what) => async () => {
    const { purged } = await purge(target);
    setResult(`Purged ${purged} ${purged === 1 ? "entry" : "entries"} (${what}).`);
    await client.invalidateQueries({ queryKey: CACHE_KEY });
  };

  return (
    <section
      aria-labelledby="purge-heading"
      className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm"
      data-testid="cache-purge"
    >
      <h2 id="purge-heading" className="text-base font-semibold">
        Purge
      </h2>
      <p className="mt-0.5 text-sm text-slate-600">
        Purged answers are recomputed (and paid for) on the next identical request.
      </p>
      <div className="mt-4 space-y-3">
        <PurgeModelRow stats={stats} run={run} />
        <PurgeAgentRow stats={stats} run={run} />
        <PurgeOlderRow run={run} />
        <div className="flex items-center justify-between gap-2 border-t border-slate-100 pt-3">
          <span className="text-sm text-slate-700">Everything in this team&apos;s cache</span>
          <ConfirmButton
            title="Purge the whole cache?"
            message="Every cached answer for this team is deleted. Statistics are kept."
            confirmLabel="Purge everything"
            onConfirm={run({ all: true }, "all")}
            className="rounded-md bg-rose-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-rose-500"
            testId="cache-purge-all"
          >
            Purge all
          </ConfirmButton>
        </div>
        {result ? (
          <p
            role="status"
            className="rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
            data-testid="cache-purge-result"
          >
            {result}
          </p>
        ) : null}
      </div>
    </section>
  );
}
