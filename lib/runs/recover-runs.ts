import "server-only";
import type { PrismaClient } from "@/lib/db";
import type { RunEventLog } from "./event-log";

/**
 * Marks runs whose executing server stopped beating as interrupted, and tells their viewers.
 * Runs at start-up and periodically on every instance; a run owned by a live instance keeps
 * beating (every 10 s) and is never touched.
 */
export async function markStaleRunsInterrupted(args: {
  prisma: PrismaClient;
  eventLog: RunEventLog;
  /** Runs this process is executing right now: never stale, whatever their heartbeat says. */
  activeRunIds: string[];
  /** @default 45000 */
  staleAfterMs?: number;
  now?: Date;
}): Promise<string[]> {
  const { prisma } = args;
  const now = args.now ?? new Date();
  const cutoff = new Date(now.getTime() - (args.staleAfterMs ?? 45_000));
  const stale = await prisma.run.findMany({
    where: {
      status: { in: ["queued", "running"] },
      id: { notIn: args.activeRunIds },
      OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: cutoff } }],
    },
    select: { id: true },
  });
  const ids = stale.map((r) => r.id);
  if (ids.length === 0) return [];
  const message = "the server running this run stopped before it finished";
  await prisma.$transaction([
    prisma.run.updateMany({
      where: { id: { in: ids }, status: { in: ["queued", "running"] } },
      data: {
        status: "interrupted",
        errorCode: "unavailable",
        errorMessage: message,
        endedAt: now,
        ownerId: null,
      },
    }),
    prisma.runStep.updateMany({
      where: { runId: { in: ids }, status: { in: ["pending", "running"] } },
      data: { status: "cancelled", errorCode: "unavailable", errorMessage: message, endedAt: now },
    }),
  ]);
  for (const runId of ids) {
    const last = (await args.eventLog.since(runId, 0)).at(-1);
    await args.eventLog
      .append({ type: "run-interrupted", runId, seq: (last?.seq ?? 0) + 1, message })
      .catch(() => {});
  }
  return ids;
}

export async function heartbeatRuns(prisma: PrismaClient, runIds: string[]): Promise<void> {
  await prisma.run.updateMany({ where: { id: { in: runIds } }, data: { heartbeatAt: new Date() } });
}
