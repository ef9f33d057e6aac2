"use client";

import Link from "next/link";
import type { AgentView } from "@/lib/agents/agent-view";
import { errorMessage } from "@/lib/query/fetch-json";
import { Skeleton } from "@/components/ui/skeleton";

/** The agent checkboxes of the composer, with loading, error and no-agents states. */
export function ComposerAgents(props: {
  agents: { isPending: boolean; isError: boolean; error: unknown; data: AgentView[] | undefined };
  selected: readonly string[];
  onToggle: (id: string, on: boolean) => void;
}) {
  const { agents } = props;
  return (
    <fieldset>
      <legend className="mb-2 text-sm font-medium text-slate-700">Agents</legend>
      {agents.isPending ? (
        <div className="space-y-2">
          <Skeleton className="h-8" />
          <Skeleton className="h-8" />
          <Skeleton className="h-8" />
        </div>
      ) : agents.isError || !agents.data ? (
        <p role="alert" className="text-sm text-rose-700">
          Could not load the agents: {errorMessage(agents.error)}
        </p>
      ) : agents.data.length === 0 ? (
        <p className="text-sm text-slate-600">
          No agents yet — create some on the{" "}
          <Link href="/agents" className="font-medium text-indigo-700 underline">
            Agents page
          </Link>
          .
        </p>
      ) : (
        <ul className="grid gap-1.5 sm:grid-cols-2 lg:grid-cols-1 xl:grid-cols-2">
          {agents.data.map((agent) => {
            const checked = props.selected.includes(agent.id);
            return (
              <li key={agent.id}>
                <label
                  className={`flex cursor-pointer items-center gap-2 rounded-lg border px-3 py-2 text-sm has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500 ${checked ? "border-indigo-300 bg-indigo-50/60" : "border-slate-200 hover:bg-slate-50"}`}
                >
                  <input
                    type="checkbox"
                    className="h-4 w-4 accent-indigo-600"
                    checked={checked}
                    onChange={(e) => props.onToggle(agent.id, e.target.checked)}
                    data-testid={`composer-agent-${agent.name}`}
                  />
                  <span className="font-medium text-slate-800">{agent.name}</span>
                  <span className="ml-auto truncate font-mono text-xs text-slate-600">
                    {agent.model}
                  </span>
                </label>
              </li>
            );
          })}
        </ul>
      )}
    </fieldset>
  );
}
