import "server-only";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { RunRuntime } from "./runtime-types";

/**
 * Asks the run to stop, wherever it executes; its events then end with status cancelled. The
 * cancel is recorded in the database first (the executing instance polls it), then sent by
 * pub/sub for speed: with Redis down it still lands, a poll later.
 */
export async function cancelRun(args: {
  prisma: PrismaClient;
  runtime: RunRuntime;
  teamId: string;
  runId: string;
}): Promise<{ status: "cancelling" }> {
  const run = await args.prisma.run.findFirst({
    where: { id: args.runId, teamId: args.teamId },
    select: { status: true },
  });
  if (!run) throw new AppError("not_found", "no such run");
  if (run.status !== "queued" && run.status !== "running") {
    throw new AppError("conflict", `the run already ended (${run.status})`);
  }
  await args.prisma.run.updateMany({
    where: { id: args.runId, teamId: args.teamId, status: { in: ["queued", "running"] } },
    data: { cancelRequestedAt: new Date() },
  });
  await args.runtime.activeRuns.cancel(args.runId).catch((error: unknown) => {
    args.runtime.log.warn(
      `cancel of ${args.runId} not broadcast (${(error as Error).message}); it lands by poll`,
    );
  });
  return { status: "cancelling" };
}
