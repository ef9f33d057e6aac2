"use client";

import { stepStats } from "@/lib/query/live-stats";
import type { LiveStep } from "@/lib/query/run-state";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { formatUsd, formatMs, formatCount } from "@/lib/query/format";
import { useNow } from "@/components/ui/use-now";
import { CacheBadge } from "./cache-badge";
import { StatusBadge } from "./status-badge";
import { StepAnswer } from "./step-answer";
import { StopReasonBadge } from "./stop-reason";

function Stat(props: { label: string; value: string; testId?: string }) {
  return (
    <div className="min-w-0">
      <dt className="text-[11px] uppercase tracking-wide text-slate-600">{props.label}</dt>
      <dd
        className="truncate text-sm font-medium tabular-nums text-slate-800"
        data-testid={props.testId}
      >
        {props.value}
      </dd>
    </div>
  );
}

/** Attempts, latency (ticking while it runs), TTFT, tokens and cost; "≈" marks live estimates. */
function StepStats({ step, active }: { step: LiveStep; active: boolean }) {
  const now = useNow(active, 500);
  const latency =
    step.latencyMs ?? (active && step.startedAtMs !== null ? now - step.startedAtMs : null);
  const stats = stepStats(step);
  const approx = stats.estimated ? "≈ " : "";
  return (
    <dl className="mt-3 grid grid-cols-3 gap-x-3 gap-y-2 border-y border-slate-100 py-2">
      <Stat label="Attempts" value={String(step.attempts)} testId={`step-attempts-${step.key}`} />
      <Stat label="Latency" value={formatMs(latency)} testId={`step-latency-${step.key}`} />
      <Stat label="TTFT" value={formatMs(stats.ttftMs)} testId={`step-ttft-${step.key}`} />
      <Stat
        label="Tokens"
        value={
          stats.estimated
            ? `${approx}${formatCount(stats.outputTokens)} out`
            : step.inputTokens + step.outputTokens > 0
              ? `${formatCount(step.inputTokens)} → ${formatCount(step.outputTokens)}`
              : "—"
        }
        testId={`step-tokens-${step.key}`}
      />
      <Stat
        label="Cost"
        value={`${stats.costUsd !== null ? approx : ""}${formatUsd(stats.costUsd)}`}
        testId={`step-cost-${step.key}`}
      />
    </dl>
  );
}

function StepDeps({ step, labelOf }: { step: LiveStep; labelOf: (key: string) => string }) {
  return (
    <p className="mt-2 text-xs text-slate-600" data-testid={`step-deps-${step.key}`}>
      {step.dependsOn.length === 0 ? (
        "No dependencies: starts first."
      ) : (
        <>
          After{" "}
          {step.dependsOn.map((d, i) => (
            <span key={d}>
              {i > 0 ? ", " : ""}
              <span className="font-medium text-slate-700">{labelOf(d)}</span>
            </span>
          ))}
        </>
      )}
    </p>
  );
}

/** A step a retry of failed steps did not call: its answer comes from the run it retries. */
function CopiedBadge({ stepKey }: { stepKey: string }) {
  return (
    <Badge
      tone="slate"
      data-testid={`step-copied-${stepKey}`}
      title="Not called again: the answer is copied from the run this one retries."
    >
      copied
    </Badge>
  );
}

/** One step of a run: its status, numbers, and its answer as it streams in. */
export function StepPanel({
  step,
  showDeps,
  showKey,
  labelOf,
}: {
  step: LiveStep;
  showDeps: boolean;
  /** Show the step's key beside its model (a DAG's own names, or two steps of one agent). */
  showKey: boolean;
  /** A step's display name from its key (the agent's name, with the key when they differ). */
  labelOf: (key: string) => string;
}) {
  const active = step.status === "running" || step.status === "retrying";

  return (
    <Card
      className={`flex min-w-0 flex-col p-4 ${active ? "ring-1 ring-sky-200" : ""}`}
      data-testid={`step-panel-${step.key}`}
      data-status={step.status}
      data-agent={step.agentName}
      aria-labelledby={`step-title-${step.key}`}
      role="region"
    >
      <div className="flex flex-wrap items-start gap-2">
        <div className="min-w-0 flex-1">
          <h3 id={`step-title-${step.key}`} className="truncate font-semibold text-slate-900">
            {step.agentName}
          </h3>
          <p className="truncate font-mono text-xs text-slate-600">
            {showKey && step.key !== step.agentName ? `${step.key} · ` : ""}
            {step.model}
            {step.answeredModel && step.answeredModel !== step.model ? (
              <span data-testid={`step-answered-by-${step.key}`}>
                {" "}
                · answered by {step.answeredModel}
              </span>
            ) : null}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-1.5" aria-live="polite">
          {step.copied ? <CopiedBadge stepKey={step.key} /> : null}
          <CacheBadge status={step.cacheStatus} testId={`step-cache-${step.key}`} />
          <StatusBadge status={step.status} testId={`step-status-${step.key}`} />
          <StopReasonBadge reason={step.stopReason} testId={`step-stop-${step.key}`} />
        </div>
      </div>

      {showDeps ? <StepDeps step={step} labelOf={labelOf} /> : null}

      {step.retry ? (
        <p
          role="status"
          className="mt-2 rounded-lg bg-amber-50 px-3 py-1.5 text-xs text-amber-900"
          data-testid={`step-retry-${step.key}`}
        >
          Attempt {step.retry.attempt} failed with{" "}
          <code className="font-mono">{step.retry.errorCode}</code>;{" "}
          {step.retry.model ? (
            <>
              switching to <code className="font-mono">{step.retry.model}</code>.
            </>
          ) : (
            <>retrying in {formatMs(step.retry.delayMs)}.</>
          )}
        </p>
      ) : null}

      <StepStats step={step} active={active} />

      {step.errorMessage && step.status !== "succeeded" ? (
        <p
          className={`mt-3 rounded-lg px-3 py-2 text-xs ${step.status === "failed" ? "bg-rose-50 text-rose-800" : "bg-slate-50 text-slate-600"}`}
          data-testid={`step-error-${step.key}`}
        >
          {step.errorCode ? <code className="mr-1 font-mono">{step.errorCode}</code> : null}
          {step.errorMessage}
        </p>
      ) : null}

      <StepAnswer step={step} active={active} />
    </Card>
  );
}
