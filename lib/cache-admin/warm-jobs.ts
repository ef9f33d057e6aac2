import "server-only";
import { randomUUID } from "node:crypto";
import { AppError } from "@/lib/errors";
import type { ModelRequest } from "@/lib/llm/types";
import type { Runtime } from "@/lib/runtime";

export interface WarmJob {
  id: string;
  teamId: string;
  total: number;
  done: number;
  failed: number;
  status: "running" | "done";
  startedAt: string;
  endedAt: string | null;
}

const jobs = new Map<string, WarmJob>();
const MAX_JOBS = 100;
/** Warming is background work: it must not crowd out interactive runs. */
const WARM_CONCURRENCY = 4;

/**
 * Precomputes answers: either the given requests (filled if missing), or the team's N most
 * requested entries from history (recomputed, so they are fresh). Progress is polled by id.
 */
export async function startWarmJob(args: {
  runtime: Runtime;
  teamId: string;
  topN?: number;
  requests?: ModelRequest[];
}): Promise<WarmJob> {
  const { runtime, teamId } = args;
  await runtime.cacheServices.cache.flushHits();
  const work: { request: ModelRequest; mode: "default" | "refresh"; agentId?: string }[] =
    args.requests
      ? args.requests.map((request) => ({ request, mode: "default" as const }))
      : (await runtime.cacheServices.l2.topRequested(teamId, args.topN ?? 10)).flatMap((entry) => {
          const opened = runtime.cacheServices.cache.inspect(entry);
          return opened.request
            ? [
                {
                  request: opened.request as ModelRequest,
                  mode: "refresh" as const,
                  agentId: entry.agentId ?? undefined,
                },
              ]
            : [];
        });
  const job: WarmJob = {
    id: randomUUID(),
    teamId,
    total: work.length,
    done: 0,
    failed: 0,
    status: work.length === 0 ? "done" : "running",
    startedAt: new Date().toISOString(),
    endedAt: work.length === 0 ? new Date().toISOString() : null,
  };
  jobs.set(job.id, job);
  if (jobs.size > MAX_JOBS) jobs.delete(jobs.keys().next().value!);

  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const item = work[next++]!;
      try {
        for await (const _ of runtime.gatewayCaller(item.request, {
          teamId,
          agentId: item.agentId,
          cache: { mode: item.mode },
        })) {
          // Draining the stream is what stores the answer.
        }
        job.done++;
      } catch (error) {
        job.failed++;
        runtime.log.warn(`cache warm: a request failed: ${(error as Error).message}`);
      }
    }
  };
  void Promise.all(Array.from({ length: Math.min(WARM_CONCURRENCY, work.length) }, worker)).then(
    () => {
      job.status = "done";
      job.endedAt = new Date().toISOString();
    },
  );
  return { ...job };
}

export function getWarmJob(teamId: string, id: string): WarmJob {
  const job = jobs.get(id);
  if (!job || job.teamId !== teamId) throw new AppError("not_found", "no such warm job");
  return { ...job };
}
