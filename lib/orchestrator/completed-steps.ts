import type { ErrorCode } from "@/lib/errors";
import type { RunEventInput, StopReason } from "./events";
import type { CompiledPlan, CompiledStep } from "./plan";
import type { StepOutcome } from "./run-step";

/**
 * What a run needs of a step that already ended elsewhere (RunOptions.completed): its answer, or,
 * for a step that had failed before its run was resumed, `error`.
 */
export interface CompletedStep {
  output: string;
  /** The step ended without an answer: it is not called again and its dependants are skipped. */
  error?: { code: ErrorCode; message: string };
  /** Why the model stopped when it answered. @default "end_turn" */
  stopReason?: StopReason;
  /** The model that answered, when it was not the agent's own. */
  model?: string;
}

/**
 * Ends each plan step found in `completed` at once, without a call: one `step-end` marked
 * `copied`, with no attempts and no tokens (this run billed none), and an outcome whose output
 * feeds the step's dependants.
 */
export function endCompleted(
  plan: CompiledPlan,
  completed: ReadonlyMap<string, CompletedStep>,
  emit: (event: RunEventInput) => Promise<void>,
  end: (step: CompiledStep, outcome: StepOutcome) => void,
): void {
  for (const step of plan.steps) {
    const done = completed.get(step.key);
    if (!done) continue;
    if (done.error) {
      void emit({
        type: "step-error",
        stepKey: step.key,
        code: done.error.code,
        message: done.error.message,
        attempts: [],
        latencyMs: 0,
        copied: true,
      });
      end(step, { ok: false });
      continue;
    }
    void emit({
      type: "step-end",
      stepKey: step.key,
      output: done.output,
      attempts: [],
      latencyMs: 0,
      ttftMs: null,
      inputTokens: 0,
      outputTokens: 0,
      cacheStatus: null,
      stopReason: done.stopReason ?? "end_turn",
      ...(done.model === undefined ? {} : { model: done.model }),
      copied: true,
    });
    end(step, { ok: true, output: done.output, inputTokens: 0, outputTokens: 0 });
  }
}
