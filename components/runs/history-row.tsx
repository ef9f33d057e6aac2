import Link from "next/link";
import type { RunSummary } from "@/lib/runs/run-view";
import { Badge } from "@/components/ui/badge";
import {
  formatCost,
  formatDateTime,
  formatMs,
  formatRelative,
  formatTokens,
} from "@/components/ui/format";
import { StatusBadge } from "./status-badge";

export function HistoryRow({ run }: { run: RunSummary }) {
  const tokens = run.inputTokens + run.outputTokens;
  return (
    <li data-testid="history-row" data-run-id={run.id} data-status={run.status}>
      <Link
        href={`/runs/${run.id}`}
        className="group block px-4 py-3 hover:bg-slate-50 focus-visible:bg-indigo-50/50 focus-visible:outline-none"
      >
        <div className="flex flex-wrap items-center gap-2">
          <StatusBadge status={run.status} />
          <Badge tone="indigo">{run.mode}</Badge>
          {run.cachedSteps > 0 ? (
            <Badge tone="violet" data-testid="history-cached">
              {run.cachedSteps} cached
            </Badge>
          ) : null}
          <time
            dateTime={run.createdAt}
            title={formatDateTime(run.createdAt)}
            className="ml-auto text-xs text-slate-500"
          >
            {formatRelative(run.createdAt)}
          </time>
        </div>
        <p
          className="mt-1.5 line-clamp-2 text-sm text-slate-800 group-hover:text-slate-950"
          data-testid="history-task"
        >
          {run.taskPreview}
        </p>
        <div className="mt-1.5 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500">
          <span data-testid="history-agents" className="font-medium text-slate-600">
            {run.agentNames.join(", ")}
          </span>
          <span>{formatMs(run.latencyMs)}</span>
          <span>{formatTokens(tokens)} tokens</span>
          <span>{formatCost(run.costUsd)}</span>
        </div>
      </Link>
    </li>
  );
}
