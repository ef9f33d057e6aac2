import Link from "next/link";
import type { RunSummary } from "@/lib/runs/run-view";
import { Badge } from "@/components/ui/badge";
import { formatCount, formatMs, formatUsd } from "@/lib/query/format";
import { RelativeTime } from "@/components/ui/relative-time";
import { TagList } from "./run-tags";
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
          <RelativeTime iso={run.createdAt} className="ml-auto text-xs text-slate-600" />
        </div>
        <p
          className="mt-1.5 truncate text-sm font-medium text-slate-900"
          data-testid="history-title"
        >
          {run.title}
        </p>
        {run.tags.length > 0 ? (
          <div className="mt-1">
            <TagList tags={run.tags} testId="history-tags" />
          </div>
        ) : null}
        {run.titled ? (
          <p
            className="mt-0.5 line-clamp-2 text-sm text-slate-700 group-hover:text-slate-950"
            data-testid="history-task"
          >
            {run.taskPreview}
          </p>
        ) : (
          <p className="sr-only" data-testid="history-task">
            {run.taskPreview}
          </p>
        )}
        <div className="mt-1.5 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
          <span data-testid="history-agents" className="font-medium text-slate-600">
            {run.agentNames.join(", ")}
          </span>
          <span>{formatMs(run.latencyMs)}</span>
          <span>{formatCount(tokens)} tokens</span>
          <span>{formatUsd(run.costUsd)}</span>
        </div>
      </Link>
    </li>
  );
}
