import "server-only";
import type { PrismaClient } from "@/lib/db";
import { markRunsInterrupted } from "./mark-interrupted";
import type { RunRuntime } from "./runtime-types";

/**
 * Stops every run executing in this process and marks it `interrupted` with `reason` at once
 * (shutdown), rather than leaving it "running" until another instance's sweep notices the
 * missing heartbeat. Runs are not on a job queue yet, so they are marked, not handed over.
 * Returns the ids it marked.
 */
export async function interruptActiveRuns(args: {
  prisma: PrismaClient;
  runs: RunRuntime;
  reason: string;
  /** How long the stopped runs may take to record their last events. @default 5000 */
  settleMs?: number;
}): Promise<string[]> {
  const { prisma, runs, reason } = args;
  const ids = runs.activeRuns.ids();
  if (ids.length === 0) return [];
  // Abort first and let each run record its end (steps cancelled), then overwrite the run's
  // "cancelled" with what happened: a user did not cancel it, the server stopped.
  for (const id of ids) await runs.activeRuns.cancel(id);
  await Promise.race([
    runs.activeRuns.idle(),
    new Promise((resolve) => setTimeout(resolve, args.settleMs ?? 5_000).unref()),
  ]);
  await markRunsInterrupted({ prisma, eventLog: runs.eventLog, ids, message: reason });
  return ids;
}
