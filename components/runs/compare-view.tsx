"use client";

import { diffWords } from "diff";
import { useMemo, useState } from "react";
import { stepStats } from "@/lib/query/live-stats";
import type { LiveRun, LiveStep } from "@/lib/query/run-state";
import { formatCount, formatMs, formatUsd } from "@/lib/query/format";
import { Badge } from "@/components/ui/badge";
import { CopyButton } from "@/components/ui/copy-button";
import { StopReasonBadge } from "./stop-reason";
import { useBestAnswer } from "./use-best-answer";

/** The answer with the words it has and `baseline` lacks highlighted; plain when it is the baseline. */
function DiffedText({ text, baseline }: { text: string; baseline: string | null }) {
  const parts = useMemo(
    () => (baseline === null ? null : diffWords(baseline, text)),
    [baseline, text],
  );
  if (!parts) return <>{text}</>;
  return (
    <>
      {parts.map((part, i) =>
        part.removed ? null : part.added ? (
          <mark key={i} className="diff-added" data-testid="diff-added">
            {part.value}
          </mark>
        ) : (
          <span key={i}>{part.value}</span>
        ),
      )}
    </>
  );
}

function CompareColumn(props: {
  step: LiveStep;
  baseline: LiveStep;
  best: boolean;
  onMarkBest: () => void;
}) {
  const { step, baseline, best } = props;
  const stats = stepStats(step);
  const isBaseline = step.key === baseline.key;
  return (
    <article
      className={`flex min-w-0 flex-col rounded-xl border bg-white p-4 shadow-sm ${best ? "border-amber-300 ring-2 ring-amber-200" : "border-slate-200"}`}
      data-testid={`compare-column-${step.key}`}
      data-best={best}
      aria-labelledby={`compare-title-${step.key}`}
    >
      <header className="flex flex-wrap items-start gap-2">
        <div className="min-w-0 flex-1">
          <h3 id={`compare-title-${step.key}`} className="truncate font-semibold">
            {step.agentName}
          </h3>
          <p className="truncate font-mono text-xs text-slate-600">{step.model}</p>
        </div>
        {best ? <Badge tone="amber">★ best</Badge> : null}
        {isBaseline ? <Badge tone="slate">baseline</Badge> : null}
        <StopReasonBadge reason={step.stopReason} />
      </header>
      <p className="mt-2 text-xs text-slate-600">
        {formatMs(step.latencyMs)} · {formatCount(stats.outputTokens)} tokens out ·{" "}
        {formatUsd(stats.costUsd)}
      </p>
      <div
        className="mt-3 max-h-[32rem] flex-1 overflow-y-auto whitespace-pre-wrap break-words rounded-lg bg-slate-50 p-3 text-sm leading-relaxed"
        data-testid={`compare-text-${step.key}`}
        tabIndex={0}
        role="region"
        aria-label={`${step.agentName} answer`}
      >
        <DiffedText text={step.output} baseline={isBaseline ? null : baseline.output} />
      </div>
      <div className="mt-3 flex items-center justify-between gap-2">
        <button
          type="button"
          onClick={props.onMarkBest}
          aria-pressed={best}
          className={`rounded-md border px-3 py-1.5 text-sm font-medium ${best ? "border-amber-300 bg-amber-50 text-amber-900" : "border-slate-300 text-slate-700 hover:bg-slate-100"}`}
          data-testid={`compare-best-${step.key}`}
        >
          {best ? "★ Marked best" : "Mark best"}
        </button>
        <CopyButton text={step.output} compact />
      </div>
    </article>
  );
}

/**
 * The agents' answers side by side. Each is diffed word by word against a baseline (the one
 * marked best, else the first), so what an agent says that the baseline does not stands out.
 */
export function CompareView({ run }: { run: LiveRun }) {
  const answered = run.steps.filter((s) => s.output.length > 0);
  const [best, markBest] = useBestAnswer(run.id);
  const [chosenBaseline, setChosenBaseline] = useState<string | null>(null);
  const baseline =
    answered.find((s) => s.key === chosenBaseline) ??
    answered.find((s) => s.key === best) ??
    answered[0];
  if (!baseline) return null;
  return (
    <section aria-labelledby="compare-heading" data-testid="compare-view" className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id="compare-heading" className="text-lg font-semibold tracking-tight">
            Compare answers
          </h2>
          <p className="text-sm text-slate-600">
            <mark className="diff-added">Highlighted</mark> words are ones the baseline does not
            have. Your pick of the best answer is kept in this browser.
          </p>
        </div>
        <label className="flex items-center gap-2 text-sm text-slate-700">
          Baseline
          <select
            value={baseline.key}
            onChange={(e) => setChosenBaseline(e.target.value)}
            className="rounded-lg border border-slate-300 bg-white px-2 py-1.5 text-sm"
            data-testid="compare-baseline"
          >
            {answered.map((s) => (
              <option key={s.key} value={s.key}>
                {s.agentName}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {answered.map((step) => (
          <CompareColumn
            key={step.key}
            step={step}
            baseline={baseline}
            best={best === step.key}
            onMarkBest={() => markBest(best === step.key ? null : step.key)}
          />
        ))}
      </div>
    </section>
  );
}
