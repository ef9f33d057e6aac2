import "server-only";
import { z } from "zod";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { getRunRowOrThrow } from "./queries";
import type { RunRuntime } from "./runtime-types";
import { type CopiedStep, startPlannedRun } from "./start-run";
import { isFinished } from "./status";
import { storedPlan } from "./stored-plan";

/** The body of POST /api/runs/{id}/rerun; an empty body re-runs every step. */
export const rerunRunSchema = z
  .object({
    /** "failed": run again only the steps that did not succeed, copying the others' answers. */
    only: z.enum(["failed"]).optional(),
  })
  .strict();

export type RerunRunInput = z.infer<typeof rerunRunSchema>;

type RunRow = Awaited<ReturnType<typeof getRunRowOrThrow>>;

/**
 * Runs a stored run again with the very agents it ran with (their snapshots), so a re-run of a
 * deterministic run is answered from the cache, even if the agents were edited since.
 * With `only: "failed"`, the steps that succeeded are copied into the new run as succeeded (not
 * called, billed nothing) and the others run, taking their inputs from the copied answers.
 * @throws AppError("conflict") for a retry of failed steps when the run has not ended, no step
 * failed, or no step succeeded (nothing to keep: a plain re-run is the retry).
 */
export async function rerunRun(args: {
  prisma: PrismaClient;
  runtime: RunRuntime;
  teamId: string;
  userId?: string;
  runId: string;
  input?: RerunRunInput;
}): Promise<{ id: string }> {
  const original = await getRunRowOrThrow(args.prisma, { teamId: args.teamId, id: args.runId });
  const plan = storedPlan(original);
  const copied = args.input?.only === "failed" ? stepsToKeep(original) : undefined;
  return startPlannedRun({ ...args, plan, rerunOfId: original.id, copied });
}

/** The succeeded steps a retry of the failed ones keeps, or why there is nothing to retry. */
function stepsToKeep(run: RunRow): CopiedStep[] {
  if (!isFinished(run.status)) {
    throw new AppError(
      "conflict",
      `the run is still ${run.status}: retry its failed steps once it has ended`,
    );
  }
  const kept = run.steps.filter((s) => s.status === "succeeded");
  if (kept.length === run.steps.length) {
    throw new AppError("conflict", "every step of the run succeeded: there is nothing to retry");
  }
  if (kept.length === 0) {
    throw new AppError("conflict", "no step of the run succeeded: re-run the whole run instead");
  }
  return kept.map((s) => ({
    key: s.key,
    output: s.output,
    stopReason: s.stopReason,
    answeredModel: s.answeredModel,
  }));
}
