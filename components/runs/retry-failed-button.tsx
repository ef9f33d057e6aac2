"use client";

import { useRouter } from "next/navigation";
import { errorMessage } from "@/lib/query/fetch-json";
import type { LiveRun } from "@/lib/query/run-state";
import { useRetryFailed } from "@/lib/query/runs";
import { isFinished } from "@/lib/runs/status";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";

/**
 * Whether "Retry failed steps" applies to a run: null when it does not (still running, or every
 * step succeeded), else why it cannot be pressed ("" when it can).
 */
export function retryFailedState(run: LiveRun): { failed: number; reason: string } | null {
  if (!isFinished(run.status) || run.steps.length === 0) return null;
  const succeeded = run.steps.filter((s) => s.status === "succeeded").length;
  const failed = run.steps.length - succeeded;
  if (failed === 0) return null;
  return {
    failed,
    reason: succeeded === 0 ? "No step succeeded, so there is nothing to keep: use Re-run." : "",
  };
}

/** Starts a run that copies the succeeded steps' answers and runs the others again. */
export function RetryFailedButton({ run }: { run: LiveRun }) {
  const router = useRouter();
  const toast = useToast();
  const retry = useRetryFailed(run.id);
  const state = retryFailedState(run);
  if (!state) return null;
  return (
    <span className="inline-flex flex-col items-start gap-0.5">
      <Button
        variant="secondary"
        data-testid="run-retry-failed"
        disabled={retry.isPending || state.reason !== ""}
        aria-describedby={state.reason ? "run-retry-failed-reason" : undefined}
        title={`Run the ${state.failed} step${state.failed === 1 ? "" : "s"} that did not succeed again; keep the others' answers`}
        onClick={() =>
          retry.mutate(undefined, {
            onSuccess: ({ id }) => router.push(`/runs/${id}`),
            onError: (e) => toast(`Could not retry: ${errorMessage(e)}`, "error"),
          })
        }
      >
        {retry.isPending
          ? "Starting…"
          : `Retry ${state.failed} failed step${state.failed === 1 ? "" : "s"}`}
      </Button>
      {state.reason ? (
        <span
          id="run-retry-failed-reason"
          className="max-w-56 text-xs text-slate-600"
          data-testid="run-retry-failed-reason"
        >
          {state.reason}
        </span>
      ) : null}
    </span>
  );
}
