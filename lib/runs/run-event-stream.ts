import "server-only";
import type { PrismaClient } from "@/lib/db";
import type { RunEventLog } from "./event-log";
import { getRunRowOrThrow, toRunDetail } from "./queries";
import { isFinished } from "./status";
import { type RunStreamEvent, isTerminalEvent } from "./stream-events";

/**
 * How long a viewer waits without an event before it looks at the log and the stored run itself:
 * the live tail (Redis pub/sub) may have lost events, or the end, during a Redis outage.
 */
const IDLE_CHECK_MS = 5_000;

interface StreamArgs {
  prisma: PrismaClient;
  eventLog: RunEventLog;
  teamId: string;
  runId: string;
  afterSeq: number;
  signal: AbortSignal;
  /** @default 5000 */
  idleCheckMs?: number;
}

/** The live tail, buffered: events pushed by the subscription wait here for the viewer. */
function liveTail(signal: AbortSignal) {
  const pending: RunStreamEvent[] = [];
  let wake: (() => void) | undefined;
  const onAbort = () => wake?.();
  signal.addEventListener("abort", onAbort);
  return {
    pending,
    push(event: RunStreamEvent) {
      pending.push(event);
      wake?.();
    },
    /** Resolves when an event arrives, the signal aborts, or `ms` pass (false: nothing came). */
    async wait(ms: number): Promise<boolean> {
      if (pending.length > 0 || signal.aborted) return true;
      let timer: NodeJS.Timeout | undefined;
      const arrived = await new Promise<boolean>((resolve) => {
        wake = () => resolve(true);
        timer = setTimeout(() => resolve(false), ms);
      }).finally(() => clearTimeout(timer));
      wake = undefined;
      return arrived;
    },
    close: () => signal.removeEventListener("abort", onAbort),
  };
}

/**
 * A run's events for one viewer: everything after `afterSeq` that the log still holds, then the
 * live rest, ending with the run. Never a silent gap: wherever the log cannot serve the next
 * event in order (the run finished long ago, another instance ran it, or Redis lost events or
 * came back empty mid-run), a `run-snapshot` of the stored run stands in for what is missing.
 */
export async function* runEventStream(args: StreamArgs): AsyncGenerator<RunStreamEvent> {
  const { eventLog, runId, signal } = args;
  const tail = liveTail(signal);
  // Subscribe before reading the backlog so nothing falls between the two. Without a live tail
  // (Redis down) the viewer still gets the run: the idle checks below read the log and the row.
  const unsubscribe = await eventLog.subscribe(runId, tail.push).catch(() => () => {});
  const snapshot = async (seq: number): Promise<RunStreamEvent> => ({
    type: "run-snapshot",
    runId,
    seq,
    run: toRunDetail(await getRunRowOrThrow(args.prisma, { teamId: args.teamId, id: runId })),
  });
  try {
    let lastSeq = args.afterSeq;
    const backlog = await eventLog.since(runId, args.afterSeq).catch(() => []);
    const run = await getRunRowOrThrow(args.prisma, { teamId: args.teamId, id: runId });

    if (backlog.length === 0 && isFinished(run.status)) {
      const logged = await eventLog.since(runId, 0).catch(() => []);
      // The log has the run but the viewer is already past its end: nothing to send.
      if (logged.length > 0 && (logged.at(-1)?.seq ?? 0) <= args.afterSeq) return;
      yield await snapshot(Math.max(args.afterSeq, logged.at(-1)?.seq ?? 0));
      return;
    }

    tail.pending.unshift(...backlog);
    while (!signal.aborted) {
      const event = tail.pending.shift();
      if (!event) {
        if (await tail.wait(args.idleCheckMs ?? IDLE_CHECK_MS)) continue;
        const caughtUp = await catchUp(args, lastSeq);
        if (caughtUp === "finished") {
          yield await snapshot(lastSeq);
          return;
        }
        tail.pending.push(...caughtUp);
        tail.pending.sort((a, b) => a.seq - b.seq);
        continue;
      }
      if (event.seq <= lastSeq) continue;
      // Events between lastSeq and this one are lost: the stored run stands in for them.
      if (event.seq > lastSeq + 1 && event.type !== "run-snapshot") {
        yield await snapshot(event.seq - 1);
      }
      lastSeq = event.seq;
      yield event;
      if (isTerminalEvent(event)) return;
    }
  } finally {
    tail.close();
    unsubscribe();
  }
}

/**
 * After a silence: what the log holds past `lastSeq` (the live tail may have lost it), or
 * "finished" when the log holds nothing more and the stored run has ended (its end event lost).
 */
async function catchUp(args: StreamArgs, lastSeq: number): Promise<RunStreamEvent[] | "finished"> {
  const logged = await args.eventLog.since(args.runId, lastSeq).catch(() => []);
  if (logged.length > 0) return logged;
  const run = await getRunRowOrThrow(args.prisma, { teamId: args.teamId, id: args.runId });
  return isFinished(run.status) ? "finished" : [];
}
