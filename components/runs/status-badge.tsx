import type { RunStatus } from "@/lib/runs/run-view";
import type { LiveStepStatus } from "@/lib/query/run-state";
import { Badge, type BadgeTone } from "@/components/ui/badge";

const TONE: Record<RunStatus | LiveStepStatus, BadgeTone> = {
  queued: "slate",
  pending: "slate",
  running: "sky",
  retrying: "amber",
  succeeded: "emerald",
  partial: "amber",
  failed: "rose",
  cancelled: "slate",
  interrupted: "rose",
  skipped: "slate",
};

const ACTIVE = new Set<string>(["running", "retrying", "queued"]);

export function StatusBadge(props: { status: RunStatus | LiveStepStatus; testId?: string }) {
  return (
    <Badge tone={TONE[props.status]} data-testid={props.testId} data-status={props.status}>
      {ACTIVE.has(props.status) ? (
        <span aria-hidden className="h-1.5 w-1.5 animate-pulse rounded-full bg-current" />
      ) : null}
      {props.status}
    </Badge>
  );
}
