"use client";

import { errorMessage } from "@/lib/query/fetch-json";
import { formatMs } from "@/lib/query/format";
import { useRunTimelineData } from "@/lib/query/run-manage";
import { runTimeline, type StepTimeline } from "@/lib/query/run-timeline";
import type { RunStepView, StepTrace } from "@/lib/runs/run-view";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { TimelineBar, TimelineLegend } from "./timeline-bar";

/** Why the model stopped, in words. */
const STOP_WORDS: Record<string, string> = {
  end_turn: "the model finished its answer",
  max_tokens: "the answer reached the agent's max output tokens and was cut off",
  stop_sequence: "the model hit a stop sequence",
  refusal: "the model declined to answer",
  pause_turn: "the model paused a long turn",
  tool_use: "the model asked to use a tool",
};

function endWords(step: RunStepView): string {
  if (step.status === "succeeded") {
    return `Ended: ${STOP_WORDS[step.stopReason ?? ""] ?? step.stopReason ?? "answered"}.`;
  }
  const kept = step.partial ? " The text streamed before that is kept as a partial answer." : "";
  if (step.status === "skipped") return `Skipped: ${step.errorMessage ?? "a dependency failed"}.`;
  if (step.status === "pending" || step.status === "running") return "Still running.";
  return `Ended ${step.errorCode === "interrupted" ? "interrupted" : step.status}: ${step.errorMessage ?? step.errorCode ?? "no answer"}.${kept}`;
}

function StepInput({ trace }: { trace: StepTrace | undefined }) {
  if (!trace) return null;
  return (
    <details className="mt-2 rounded-lg bg-slate-50 px-3 py-2 text-sm">
      <summary className="cursor-pointer font-medium text-slate-800">
        Exact input sent to {trace.model}
      </summary>
      <p className="mt-2 text-xs text-slate-700">
        {trace.temperature === null
          ? "no temperature (the model takes none)"
          : `temperature ${trace.temperature}`}{" "}
        · max tokens {trace.maxTokens}
      </p>
      <h4 className="mt-2 text-xs font-semibold uppercase tracking-wide text-slate-700">System</h4>
      <pre className="mt-1 whitespace-pre-wrap break-words font-mono text-xs text-slate-800">
        {trace.system || "(none)"}
      </pre>
      <h4 className="mt-2 text-xs font-semibold uppercase tracking-wide text-slate-700">User</h4>
      <pre
        className="mt-1 max-h-80 overflow-y-auto whitespace-pre-wrap break-words font-mono text-xs text-slate-800"
        tabIndex={0}
      >
        {trace.content}
      </pre>
    </details>
  );
}

function StepRow(props: {
  step: RunStepView;
  line: StepTimeline;
  totalMs: number;
  trace: StepTrace | undefined;
}) {
  const { step, line, trace } = props;
  return (
    <li className="py-4" data-testid={`timeline-step-${step.key}`}>
      <div className="flex flex-wrap items-baseline justify-between gap-x-3">
        <h3 className="font-semibold text-slate-900">{step.agentName}</h3>
        <span className="font-mono text-xs text-slate-700">{step.agent.model}</span>
      </div>
      <div className="mt-2">
        <TimelineBar phases={line.phases} totalMs={props.totalMs} endMs={line.endMs} />
      </div>
      <ol className="mt-2 space-y-0.5 text-sm text-slate-700">
        {line.phases.map((p, i) => (
          <li key={i}>{p.label}</li>
        ))}
        <li className="font-medium text-slate-800" data-testid={`timeline-end-${step.key}`}>
          {endWords(step)}
        </li>
      </ol>
      {trace ? (
        <p className="mt-2 text-sm text-slate-700" data-testid={`timeline-cache-${step.key}`}>
          <span className="font-medium text-slate-800">Cache: </span>
          {trace.cacheReason}
        </p>
      ) : null}
      <StepInput trace={trace} />
    </li>
  );
}

/** The run's steps on one time axis, with what each received and why the cache did what it did. */
export function RunTimeline({ runId, status }: { runId: string; status: string }) {
  const data = useRunTimelineData(runId, status);
  if (data.isPending) return <Skeleton className="h-56 rounded-xl" />;
  if (data.isError) {
    return (
      <p role="alert" className="text-sm text-rose-700">
        Could not load the timeline: {errorMessage(data.error)}
      </p>
    );
  }
  const { run, trace } = data.data;
  const timeline = runTimeline(run);
  return (
    <Card className="p-4" data-testid="run-timeline">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">Timeline</h2>
        <span className="text-sm text-slate-700">
          0 – {formatMs(timeline.totalMs)} from the run&apos;s start
        </span>
      </div>
      <div className="mt-2">
        <TimelineLegend />
      </div>
      <ul className="divide-y divide-slate-100">
        {run.steps.map((step, i) => (
          <StepRow
            key={step.key}
            step={step}
            line={timeline.steps[i] ?? { key: step.key, phases: [], endMs: null }}
            totalMs={timeline.totalMs}
            trace={trace.get(step.key)}
          />
        ))}
      </ul>
    </Card>
  );
}
