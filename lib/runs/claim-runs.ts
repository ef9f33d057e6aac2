import "server-only";
import type { PrismaClient } from "@/lib/db";
import { claimRun, findExpiredLeases, releaseLeases } from "./lease";
import { markRunsInterrupted } from "./mark-interrupted";
import { resumeRun } from "./resume-run";
import type { RunRuntime } from "./runtime-types";

export interface ClaimPassResult {
  /** Runs this process claimed and resumed. */
  resumed: string[];
  /** Runs past their deadline, marked interrupted (they cannot resume). */
  interrupted: string[];
}

const INTERRUPTED_MESSAGE = "the server running this run stopped, and its deadline has passed";

/**
 * One pass of the claim loop: every queued or running run whose lease expired (its process died,
 * or handed it back at shutdown) is claimed with a compare-and-set, so one process wins each;
 * the winner resumes it if it is still within its deadline, or marks it interrupted if not.
 */
export async function claimExpiredRuns(args: {
  prisma: PrismaClient;
  runtime: RunRuntime;
  /** A lease unrenewed this long is expired; 0 takes every run not executing here (embedded). */
  expiryMs: number;
  now?: Date;
}): Promise<ClaimPassResult> {
  const { prisma, runtime } = args;
  const now = args.now ?? new Date();
  const result: ClaimPassResult = { resumed: [], interrupted: [] };
  const expired = await findExpiredLeases({
    prisma,
    expiryMs: args.expiryMs,
    exclude: runtime.activeRuns.ids(),
    now,
  });
  for (const lease of expired) {
    const won = await claimRun(prisma, {
      runId: lease.id,
      staleHeartbeatAt: lease.heartbeatAt,
      instanceId: runtime.instanceId,
      now,
    });
    if (!won) continue;
    const startedAt = (lease.startedAt ?? lease.createdAt).getTime();
    if (now.getTime() - startedAt >= runtime.settings.runDeadlineMs) {
      await markRunsInterrupted({
        prisma,
        eventLog: runtime.eventLog,
        ids: [lease.id],
        message: INTERRUPTED_MESSAGE,
        from: ["queued", "running"],
        now,
      });
      result.interrupted.push(lease.id);
      continue;
    }
    try {
      await resumeRun({ prisma, runtime, runId: lease.id, stoppedAt: lease.heartbeatAt, now });
      result.resumed.push(lease.id);
    } catch (error) {
      // Hand it back rather than hold a run nobody executes; another pass tries again.
      runtime.log.error(`run ${lease.id}: could not resume: ${(error as Error).message}`);
      await releaseLeases(prisma, { runIds: [lease.id], instanceId: runtime.instanceId });
    }
  }
  return result;
}

/** The claim loop: a pass every ~intervalMs, jittered so processes do not move in step. */
export interface ClaimLoop {
  /** Runs one pass now (start-up), outside the schedule. */
  runOnce(expiryMs?: number): Promise<void>;
  /** Stops claiming (shutdown): no pass starts after this. */
  stop(): void;
}

export function startClaimLoop(args: {
  prisma: PrismaClient;
  runtime: RunRuntime;
  intervalMs: number;
  expiryMs: number;
  log: { info(m: string): void; warn(m: string): void };
}): ClaimLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  // After a pass that could not reach the database, the next is skipped: every process's lease
  // renewals failed through the same outage, and a live owner must get the chance to renew
  // before its run is taken for a dead one's.
  let lastFailed = false;
  let running: Promise<void> = Promise.resolve();

  const pass = async (expiryMs = args.expiryMs) => {
    if (stopped) return;
    try {
      const { resumed, interrupted } = await claimExpiredRuns({
        prisma: args.prisma,
        runtime: args.runtime,
        expiryMs,
      });
      lastFailed = false;
      if (resumed.length > 0) args.log.info(`resumed ${resumed.length} run(s) of stopped servers`);
      if (interrupted.length > 0)
        args.log.warn(`marked ${interrupted.length} run(s) interrupted: past their deadline`);
    } catch (error) {
      lastFailed = true;
      args.log.warn(`claim pass failed: ${(error as Error).message}`);
    }
  };
  const schedule = () => {
    if (stopped) return;
    const delay = args.intervalMs * (0.75 + Math.random() * 0.5);
    timer = setTimeout(() => {
      const skip = lastFailed;
      lastFailed = false;
      running = skip ? Promise.resolve() : pass();
      void running.finally(schedule);
    }, delay);
    timer.unref?.();
  };
  schedule();
  return {
    runOnce: (expiryMs) => (running = pass(expiryMs)),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
