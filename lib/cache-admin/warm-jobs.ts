import "server-only";
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { Logger } from "@/lib/log";
import type { CacheStatus, ModelCaller, ModelRequest } from "@/lib/llm/types";
import { emptyUsage, foldUsage, type TokenUsage } from "@/lib/llm/usage";
import type { WarmJobView } from "./views";

/** A warm job as the API returns it (its JSON shape, declared once in ./views). */
export type WarmJob = WarmJobView;

/** One request to warm: filled when missing ("default") or recomputed ("refresh"). */
export interface WarmItem {
  request: ModelRequest;
  mode: "default" | "refresh";
  agentId?: string;
}

/**
 * Starts and reports cache-warming jobs. Progress lives in the database (the WarmJob table), so
 * any instance behind a load balancer can report a job that another instance runs.
 */
export interface WarmJobs {
  /**
   * Precomputes answers: either the given requests (filled if missing), or the team's N most
   * requested entries from history (recomputed, so they are fresh). Progress is polled by id.
   */
  start(args: { teamId: string; topN?: number; requests?: ModelRequest[] }): Promise<WarmJob>;
  get(teamId: string, id: string): Promise<WarmJob>;
  /** Stops the jobs running here (their rows stay, marked done) and waits for them. */
  close(): Promise<void>;
}

/** Warming is background work: it must not crowd out interactive runs. */
const WARM_CONCURRENCY = 4;
/** Finished jobs are kept this long, then deleted when the team starts another. */
const RETAIN_MS = 24 * 3600_000;

type WarmJobRow = Awaited<ReturnType<PrismaClient["warmJob"]["findFirstOrThrow"]>>;

function toWarmJob(row: WarmJobRow): WarmJob {
  return {
    id: row.id,
    teamId: row.teamId,
    total: row.total,
    done: row.done,
    failed: row.failed,
    status: row.status,
    startedAt: row.startedAt.toISOString(),
    endedAt: row.endedAt?.toISOString() ?? null,
  };
}

/** What a warm job needs from the process (lib/runtime wires it). */
interface Deps {
  prisma: PrismaClient;
  /** The gateway's caller: the same cache and upstream pool as any gateway call. */
  caller: ModelCaller;
  /** The team's N most requested cached requests, for a "top N" warm. */
  topRequests(teamId: string, n: number): Promise<WarmItem[]>;
  log: Pick<Logger, "warn">;
  /** Each answered warm call with its usage, so that spend counts warming (the request log). */
  recordCall?: (call: WarmCall) => void;
}

/** One warm call as answered: how it was served and what it used. */
export interface WarmCall {
  teamId: string;
  model: string;
  cacheStatus: CacheStatus | null;
  usage: TokenUsage;
  latencyMs: number;
}

/** Answers one item (draining the stream is what stores the answer) and counts the outcome. */
async function warmOne(deps: Deps, job: WarmJobRow, item: WarmItem, signal: AbortSignal) {
  let outcome: "done" | "failed" = "done";
  const started = performance.now();
  let cacheStatus: CacheStatus | null = null;
  const usage = emptyUsage();
  try {
    const answer = deps.caller(item.request, {
      teamId: job.teamId,
      agentId: item.agentId,
      cache: { mode: item.mode, warm: true },
      signal,
      onCacheStatus: (status) => {
        cacheStatus = status;
      },
    });
    for await (const event of answer) {
      // Draining stores the answer; only the usage is read from the events.
      if (event.type === "message_start") foldUsage(usage, event.message.usage);
      else if (event.type === "message_delta") foldUsage(usage, event.usage);
    }
    deps.recordCall?.({
      teamId: job.teamId,
      model: item.request.model,
      cacheStatus,
      usage,
      latencyMs: Math.round(performance.now() - started),
    });
  } catch (error) {
    outcome = "failed";
    deps.log.warn(`cache warm: a request failed: ${(error as Error).message}`);
  }
  await deps.prisma.warmJob.update({
    where: { id: job.id },
    data: { [outcome]: { increment: 1 } },
  });
}

/** Works through the items a few at a time; the job is done when all are, or when stopped. */
async function runJob(deps: Deps, job: WarmJobRow, items: WarmItem[], signal: AbortSignal) {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal.aborted) await warmOne(deps, job, items[next++]!, signal);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(WARM_CONCURRENCY, items.length) }, worker));
  } finally {
    await deps.prisma.warmJob.update({
      where: { id: job.id },
      data: { status: "done", endedAt: new Date() },
    });
  }
}

export function createWarmJobs(deps: Deps): WarmJobs {
  const { prisma } = deps;
  const stop = new AbortController();
  const running = new Set<Promise<void>>();

  return {
    async start({ teamId, topN, requests }) {
      const items = requests
        ? requests.map((request) => ({ request, mode: "default" as const }))
        : await deps.topRequests(teamId, topN ?? 10);
      await prisma.warmJob.deleteMany({
        where: { teamId, status: "done", startedAt: { lt: new Date(Date.now() - RETAIN_MS) } },
      });
      const empty = items.length === 0;
      const row = await prisma.warmJob.create({
        data: {
          id: randomUUID(),
          teamId,
          total: items.length,
          status: empty ? "done" : "running",
          endedAt: empty ? new Date() : null,
        },
      });
      if (!empty) {
        const job = runJob(deps, row, items, stop.signal).catch((e: unknown) =>
          deps.log.warn(`cache warm: job ${row.id} failed: ${(e as Error).message}`),
        );
        running.add(job);
        void job.finally(() => running.delete(job));
      }
      return toWarmJob(row);
    },
    async get(teamId, id) {
      const row = await prisma.warmJob.findFirst({ where: { id, teamId } });
      if (!row) throw new AppError("not_found", "no such warm job");
      return toWarmJob(row);
    },
    async close() {
      stop.abort(new Error("shutting down"));
      await Promise.all(running);
    },
  };
}
