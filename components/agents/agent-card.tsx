import type { AgentView } from "@/lib/agents/agent-view";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatInt } from "@/lib/query/format";

export function cachePolicyLabel(
  agent: Pick<AgentView, "cacheEnabled" | "cacheTtlSeconds" | "temperature">,
): string {
  const ttl = agent.cacheTtlSeconds ? ` · ttl ${formatInt(agent.cacheTtlSeconds)}s` : "";
  if (agent.cacheEnabled === true) return `cache on${ttl}`;
  if (agent.cacheEnabled === false) return "cache off";
  return `cache default (${agent.temperature === 0 ? "on" : "off"} at t=${agent.temperature})${ttl}`;
}

/** An agent's settings; Edit and Delete only for those who may use them (admins). */
export function AgentCard(props: { agent: AgentView; onEdit?: () => void; onDelete?: () => void }) {
  const { agent } = props;
  return (
    <li
      className="flex flex-col rounded-xl border border-slate-200 bg-white p-4 shadow-sm"
      data-testid={`agent-row-${agent.name}`}
    >
      <div className="flex items-start justify-between gap-2">
        <div className="min-w-0">
          <h3 className="truncate font-semibold text-slate-900" data-testid="agent-name">
            {agent.name}
          </h3>
          <p className="truncate font-mono text-xs text-slate-600" data-testid="agent-model">
            {agent.model}
          </p>
          {agent.fallbackModels.length > 0 ? (
            <p className="truncate font-mono text-xs text-slate-600" data-testid="agent-fallbacks">
              <span className="font-sans">fallback:</span> {agent.fallbackModels.join(", ")}
            </p>
          ) : null}
        </div>
        <Badge
          tone={agent.cacheEnabled === false ? "slate" : "violet"}
          data-testid="agent-cache-policy"
        >
          {cachePolicyLabel(agent)}
        </Badge>
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-2 text-xs">
        <div className="rounded-lg bg-slate-50 px-2 py-1.5">
          <dt className="text-slate-600">Temperature</dt>
          <dd className="font-medium text-slate-800" data-testid="agent-temperature">
            {agent.temperature}
          </dd>
        </div>
        <div className="rounded-lg bg-slate-50 px-2 py-1.5">
          <dt className="text-slate-600">Max tokens</dt>
          <dd className="font-medium text-slate-800" data-testid="agent-max-tokens">
            {formatInt(agent.maxTokens)}
          </dd>
        </div>
      </dl>
      <p
        className="mt-3 line-clamp-3 flex-1 text-sm text-slate-600"
        title={agent.system}
        data-testid="agent-system"
      >
        {agent.system || <span className="italic text-slate-600">No system prompt</span>}
      </p>
      {props.onEdit && props.onDelete ? (
        <div className="mt-4 flex justify-end gap-2">
          <Button
            variant="ghost"
            onClick={props.onEdit}
            aria-label={`Edit ${agent.name}`}
            data-testid="agent-edit"
          >
            Edit
          </Button>
          <Button
            variant="ghost"
            className="text-rose-700 hover:bg-rose-50 hover:text-rose-800"
            onClick={props.onDelete}
            aria-label={`Delete ${agent.name}`}
            data-testid="agent-delete"
          >
            Delete
          </Button>
        </div>
      ) : null}
    </li>
  );
}
