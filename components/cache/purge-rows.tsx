"use client";

import { type ReactNode, useState } from "react";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import type { CacheStatsView, PurgeTarget } from "@/lib/cache-admin/views";

/** Purges `target` when called; `what` names it in the result line. */
export type RunPurge = (target: PurgeTarget, what: string) => () => Promise<void>;

const CONTROL =
  "min-w-0 flex-1 rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200";

/** A labelled select and the purge button that acts on its choice. */
function PurgeSelectRow(props: {
  id: string;
  label: string;
  empty: string;
  value: string;
  onChange: (value: string) => void;
  options: readonly { value: string; label: string }[];
  children: ReactNode;
}) {
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={props.id} className="w-20 shrink-0 text-sm text-slate-700">
        {props.label}
      </label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        className={CONTROL}
        disabled={props.options.length === 0}
      >
        {props.options.length === 0 ? <option value="">{props.empty}</option> : null}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {props.children}
    </div>
  );
}

/** Purge one model's entries (the models the stats have seen; the first until one is chosen). */
export function PurgeModelRow({
  stats,
  run,
}: {
  stats: CacheStatsView | undefined;
  run: RunPurge;
}) {
  const [model, setModel] = useState("");
  const models = stats?.byModel.map((m) => m.model) ?? [];
  const selectedModel = model || models[0] || "";
  return (
    <PurgeSelectRow
      id="purge-model"
      label="Model"
      empty="No models yet"
      value={selectedModel}
      onChange={setModel}
      options={models.map((m) => ({ value: m, label: m }))}
    >
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
    </PurgeSelectRow>
  );
}

/** Purge what one agent produced (gateway entries have no agent and are not offered). */
export function PurgeAgentRow({
  stats,
  run,
}: {
  stats: CacheStatsView | undefined;
  run: RunPurge;
}) {
  const [agent, setAgent] = useState("");
  const agents = stats?.byAgent.filter((a) => a.agentId) ?? [];
  const selectedAgent = agent || agents[0]?.agentId || "";
  const agentName = agents.find((a) => a.agentId === selectedAgent)?.agentName ?? selectedAgent;
  return (
    <PurgeSelectRow
      id="purge-agent"
      label="Agent"
      empty="No agents yet"
      value={selectedAgent}
      onChange={setAgent}
      options={agents.map((a) => ({ value: a.agentId ?? "", label: a.agentName }))}
    >
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
    </PurgeSelectRow>
  );
}

/** Purge entries created more than N days ago. */
export function PurgeOlderRow({ run }: { run: RunPurge }) {
  const [days, setDays] = useState(7);
  return (
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
  );
}
