import "server-only";
import type { PrismaClient } from "@/lib/db";
import type { RunEventLog } from "./event-log";
import { markRunsInterrupted } from "./mark-interrupted";

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
  await markRunsInterrupted({
    prisma,
    eventLog: args.eventLog,
    ids,
    message: "the server running this run stopped before it finished",
    from: ["queued", "running"],
    now,
  });
  return ids;
}

/**
 * The periodic interrupted-run sweep, one pass per call. After a pass that could not reach the
 * database, the next pass is skipped: every instance's heartbeats failed through the same outage,
 * and a live run must not be taken for a dead one before its server has beaten again (heartbeats
 * are 10 s apart, passes 30 s).
 */
export function createSweep(
  pass: () => Promise<string[]>,
  log: { warn(message: string): void },
): () => Promise<void> {
  let lastFailed = false;
  return async () => {
    if (lastFailed) {
      lastFailed = false;
      return;
    }
    try {
      const ids = await pass();
      if (ids.length > 0) log.warn(`marked ${ids.length} run(s) interrupted: their server stopped`);
    } catch (error) {
      lastFailed = true;
      log.warn(`interrupted-run sweep failed: ${(error as Error).message}`);
    }
  };
}

/** Which of `runIds` a cancel was recorded for (Run.cancelRequestedAt), on any instance. */
export async function cancelRequestedRuns(
  prisma: PrismaClient,
  runIds: string[],
): Promise<string[]> {
  const runs = await prisma.run.findMany({
    where: { id: { in: runIds }, cancelRequestedAt: { not: null } },
    select: { id: true },
  });
  return runs.map((r) => r.id);
}

export async function heartbeatRuns(prisma: PrismaClient, runIds: string[]): Promise<void> {
  await prisma.run.updateMany({ where: { id: { in: runIds } }, data: { heartbeatAt: new Date() } });
}
