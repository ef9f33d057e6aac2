"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ConfirmButton } from "@/components/ui/confirm-button";
import { CACHE_KEY, purge } from "./cache-api";
import type { CacheStatsView, PurgeTarget } from "./types";

const CONTROL =
  "min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200";

/** Purge by model, agent, age, or everything; each behind a confirmation. */
export function PurgePanel({ stats }: { stats: CacheStatsView | undefined }) {
  const client = useQueryClient();
  const [model, setModel] = useState("");
  const [agent, setAgent] = useState("");
  const [days, setDays] = useState(7);
  const [result, setResult] = useState<string | null>(null);

  function run(target: PurgeTarget, what: string) {
    return async () => {
      const { purged } = await purge(target);
      setResult(`Purged ${purged} ${purged === 1 ? "entry" : "entries"} (${what}).`);
      await client.invalidateQueries({ queryKey: CACHE_KEY });
    };
  }

  const models = stats?.byModel.map((m) => m.model) ?? [];
  const agents = stats?.byAgent.filter((a) => a.agentId) ?? [];
  const selectedModel = model || models[0] || "";
  const selectedAgent = agent || agents[0]?.agentId || "";
  const agentName = agents.find((a) => a.agentId === selectedAgent)?.agentName ?? selectedAgent;

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
        <div className="flex items-center gap-2">
          <label htmlFor="purge-model" className="w-20 shrink-0 text-sm text-slate-700">
            Model
          </label>
          <select
            id="purge-model"
            value={selectedModel}
            onChange={(e) => setModel(e.target.value)}
            className={CONTROL}
            disabled={models.length === 0}
          >
            {models.length === 0 ? <option value="">No models yet</option> : null}
            {models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
          <ConfirmButton
            title={`Purge every entry for ${selectedModel}?`}
            message="All cached answers from this model are deleted, in memory and in the database."
            confirmLabel="Purge model"
            onConfirm={run({ model: selectedModel }, selectedModel)}
            disabled={!selectedModel}
            testId="cache-purge-model"
          >
            Purge
          </ConfirmButton>
        </div>
        <div className="flex items-center gap-2">
          <label htmlFor="purge-agent" className="w-20 shrink-0 text-sm text-slate-700">
            Agent
          </label>
          <select
            id="purge-agent"
            value={selectedAgent}
            onChange={(e) => setAgent(e.target.value)}
            className={CONTROL}
            disabled={agents.length === 0}
          >
            {agents.length === 0 ? <option value="">No agents yet</option> : null}
            {agents.map((a) => (
              <option key={a.agentId} value={a.agentId ?? ""}>
                {a.agentName ?? a.agentId}
              </option>
            ))}
          </select>
          <ConfirmButton
            title={`Purge every entry for agent ${agentName}?`}
            message="All cached answers this agent produced are deleted."
            confirmLabel="Purge agent"
            onConfirm={run({ agentId: selectedAgent }, `agent ${agentName}`)}
            disabled={!selectedAgent}
            testId="cache-purge-agent"
          >
            Purge
          </ConfirmButton>
        </div>
        <div className="flex items-center gap-2">
          <label htmlFor="purge-days" className="w-20 shrink-0 text-sm text-slate-700">
            Older than
          </label>
          <div className="flex min-w-0 flex-1 items-center gap-2">
            <input
              id="purge-days"
              type="number"
              min={1}
              max={3650}
              value={days}
              onChange={(e) => setDays(Math.max(1, Math.floor(Number(e.target.value) || 1)))}
              className={`${CONTROL} w-20 flex-none`}
            />
            <span className="text-sm text-slate-600">days</span>
          </div>
          <ConfirmButton
            title={`Purge entries older than ${days} day${days === 1 ? "" : "s"}?`}
            message="Entries created before then are deleted, however often they are hit."
            confirmLabel="Purge old entries"
            onConfirm={run({ olderThanSeconds: days * 86_400 }, `older than ${days} days`)}
            testId="cache-purge-older"
          >
            Purge
          </ConfirmButton>
        </div>
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
