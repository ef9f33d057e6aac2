/**
 * What the run page shows while answers stream: the stream's step-delta events carry only text,
 * so tokens and cost are estimated from it until step-end brings the model's own counts. Pure.
 */
import { priceFor } from "@/lib/cache/pricing";
import type { LiveRun, LiveStep } from "./run-state";

/** Anthropic's rule of thumb for English text: about four characters a token. */
const CHARS_PER_TOKEN = 4;

export interface StepStats {
  ttftMs: number | null;
  outputTokens: number;
  costUsd: number | null;
  /** True while the figures are estimates from the streamed text, not the model's counts. */
  estimated: boolean;
}

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

function estimateCost(model: string, inputTokens: number, outputTokens: number): number {
  const price = priceFor(model);
  return (inputTokens * price.inputPerMTok + outputTokens * price.outputPerMTok) / 1_000_000;
}

/** A step's figures: the recorded ones once it ended, estimates from its text while it streams. */
export function stepStats(step: LiveStep): StepStats {
  const streaming = step.status === "running" && step.output.length > 0;
  if (!streaming) {
    return {
      ttftMs: step.ttftMs,
      outputTokens: step.outputTokens,
      costUsd: step.costUsd,
      estimated: false,
    };
  }
  const outputTokens = estimateTokens(step.output);
  return {
    ttftMs: step.liveTtftMs,
    outputTokens,
    costUsd: estimateCost(step.model, 0, outputTokens),
    estimated: true,
  };
}

/** Live totals: the steps' figures so far while running, the run's own once it has ended. */
export function runTotals(run: LiveRun): {
  tokens: number;
  costUsd: number | null;
  estimated: boolean;
} {
  const stats = run.steps.map((s) => ({ step: s, stats: stepStats(s) }));
  const stepTokens = stats.reduce(
    (n, { step, stats: st }) => n + step.inputTokens + st.outputTokens,
    0,
  );
  const tokens = Math.max(run.inputTokens + run.outputTokens, stepTokens);
  const estimated = stats.some(({ stats: st }) => st.estimated);
  const stepCosts = stats.map(({ stats: st }) => st.costUsd).filter((c): c is number => c !== null);
  const costUsd = run.costUsd ?? (stepCosts.length ? stepCosts.reduce((a, b) => a + b, 0) : null);
  return { tokens, costUsd, estimated };
}
