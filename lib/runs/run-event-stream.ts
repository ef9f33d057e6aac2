import "server-only";
import type { PrismaClient } from "@/lib/db";
import type { RunEventLog } from "./event-log";
import { getRunRowOrThrow, toRunDetail } from "./queries";
import { type RunStreamEvent, isTerminalEvent } from "./stream-events";

const TERMINAL = new Set(["succeeded", "partial", "failed", "cancelled", "interrupted"]);

/**
 * A run's events for one viewer: everything after `afterSeq` that the log still holds, then the
 * live rest, ending with the run. When the log cannot serve the position asked for (the run
 * finished long ago), a `run-snapshot` of the stored run stands in for the events it lost.
 */
export async function* runEventStream(args: {
  prisma: PrismaClient;
  eventLog: RunEventLog;
  teamId: string;
  runId: string;
  afterSeq: number;
  signal: AbortSignal;
}): AsyncGenerator<RunStreamEvent> {
  const { eventLog, runId, signal } = args;
  // Subscribe before reading the backlog so nothing falls between the two.
  const pending: RunStreamEvent[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = await eventLog.subscribe(runId, (event) => {
    pending.push(event);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener("abort", onAbort);
  try {
    let lastSeq = args.afterSeq;
    const backlog = await eventLog.since(runId, args.afterSeq);
    const run = await getRunRowOrThrow(args.prisma, { teamId: args.teamId, id: runId });

    if (backlog.length === 0 && TERMINAL.has(run.status)) {
      const logged = await eventLog.since(runId, 0);
      // The log has the run but the viewer is already past its end: nothing to send.
      if (logged.length > 0 && (logged.at(-1)?.seq ?? 0) <= args.afterSeq) return;
      yield {
        type: "run-snapshot",
        runId,
        seq: Math.max(args.afterSeq, logged.at(-1)?.seq ?? 0),
        run: toRunDetail(run),
      };
      return;
    }

    for (const event of backlog) {
      lastSeq = event.seq;
      yield event;
      if (isTerminalEvent(event)) return;
    }
    while (!signal.aborted) {
      const event = pending.shift();
      if (!event) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if (event.seq <= lastSeq) continue;
      lastSeq = event.seq;
      yield event;
      if (isTerminalEvent(event)) return;
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    unsubscribe();
  }
}
