import "server-only";
import type { PrismaClient } from "@/lib/db";
import type { RunEventLog } from "./event-log";
import { keepStreamedText } from "./recover-partial-output";

/**
 * Records that the server stopped these runs before they finished, in one word (issue 13 #4):
 * the run is `interrupted` and so is the code of every step it stopped. A step keeps the
 * `cancelled` status (it did not finish; the StepStatus enum is shared with user cancels), and
 * its errorCode `interrupted` tells the two apart; the browser shows such a step as interrupted.
 * Steps the shutdown aborted already ended `cancelled` with code `cancelled`: they are rewritten
 * too, since no user cancelled them. Then the runs' viewers are told.
 */
export async function markRunsInterrupted(args: {
  prisma: PrismaClient;
  eventLog: RunEventLog;
  ids: string[];
  message: string;
  /** Only runs still in these statuses are marked (the sweep must not overwrite a finish). */
  from?: ("queued" | "running" | "cancelled")[];
  now?: Date;
}): Promise<void> {
  const { prisma, ids, message } = args;
  const now = args.now ?? new Date();
  await prisma.$transaction([
    prisma.run.updateMany({
      where: { id: { in: ids }, ...(args.from ? { status: { in: args.from } } : {}) },
      data: {
        status: "interrupted",
        errorCode: "interrupted",
        errorMessage: message,
        endedAt: now,
        ownerId: null,
      },
    }),
    prisma.runStep.updateMany({
      where: {
        runId: { in: ids },
        OR: [
          { status: { in: ["pending", "running"] } },
          { status: "cancelled", errorCode: "cancelled" },
        ],
      },
      data: { status: "cancelled", errorCode: "interrupted", errorMessage: message, endedAt: now },
    }),
  ]);
  await keepStreamedText({ prisma, eventLog: args.eventLog, runIds: ids });
  for (const runId of ids) {
    const last = (await args.eventLog.since(runId, 0)).at(-1);
    await args.eventLog
      .append({ type: "run-interrupted", runId, seq: (last?.seq ?? 0) + 1, message })
      .catch(() => {});
  }
}
