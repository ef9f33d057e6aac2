import "server-only";
import type { PrismaClient } from "@/lib/db";
import type { Prisma } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import type { AttemptRecord, StopReason } from "@/lib/orchestrator";
import { readAgentSnapshot, toAgentSnapshotView } from "./agent-snapshot";
import { runTitle } from "./run-title";
import { isServedFromCache } from "./status";
import type { RunDetail, RunStatsBucket, RunStepView, RunSummary } from "./run-view";

type RunRow = Prisma.RunGetPayload<{ include: { steps: true } }>;
type StepRow = RunRow["steps"][number];

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toStepView(step: StepRow): RunStepView {
  return {
    key: step.key,
    position: step.position,
    agentId: step.agentId,
    agentName: step.agentName,
    agent: toAgentSnapshotView(readAgentSnapshot(step.agentSnapshot)),
    dependsOn: step.dependsOn,
    input: step.input,
    status: step.status,
    output: step.output,
    partial: step.partial,
    copied: step.copied,
    errorCode: step.errorCode,
    errorMessage: step.errorMessage,
    attempts: step.attempts,
    attemptLog: step.attemptLog as unknown as AttemptRecord[],
    cacheStatus: step.cacheStatus,
    latencyMs: step.latencyMs,
    ttftMs: step.ttftMs,
    inputTokens: step.inputTokens,
    outputTokens: step.outputTokens,
    costUsd: step.costUsd,
    stopReason: step.stopReason as StopReason | null,
    answeredModel: step.answeredModel,
    startedAt: iso(step.startedAt),
    endedAt: iso(step.endedAt),
  };
}

function summaryFields(run: RunRow) {
  const steps = [...run.steps].sort((a, b) => a.position - b.position);
  return {
    id: run.id,
    title: runTitle(run),
    titled: Boolean(run.title?.trim()),
    tags: run.tags,
    mode: run.mode,
    status: run.status,
    agentNames: steps.map((s) => s.agentName),
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
    latencyMs: run.latencyMs,
    inputTokens: run.inputTokens,
    outputTokens: run.outputTokens,
    costUsd: run.costUsd,
    cachedSteps: steps.filter((s) => isServedFromCache(s.cacheStatus)).length,
    stepCount: steps.length,
  };
}

export function toRunDetail(run: RunRow): RunDetail {
  return {
    ...summaryFields(run),
    task: run.task,
    errorCode: run.errorCode,
    errorMessage: run.errorMessage,
    rerunOfId: run.rerunOfId,
    steps: [...run.steps].sort((a, b) => a.position - b.position).map(toStepView),
  };
}

export async function getRunRowOrThrow(
  prisma: PrismaClient,
  { teamId, id }: { teamId: string; id: string },
) {
  const run = await prisma.run.findFirst({ where: { id, teamId }, include: { steps: true } });
  if (!run) throw new AppError("not_found", "no such run");
  return run;
}

export async function getRunDetail(prisma: PrismaClient, where: { teamId: string; id: string }) {
  return toRunDetail(await getRunRowOrThrow(prisma, where));
}

/**
 * History, newest first, filtered by status, agent (id or name), tag and text in the task, title
 * or outputs.
 */
export async function listRuns(
  prisma: PrismaClient,
  args: {
    teamId: string;
    status?: RunSummary["status"];
    agent?: string;
    tag?: string;
    q?: string;
    cursor?: string;
    limit: number;
  },
): Promise<{ runs: RunSummary[]; nextCursor: string | null }> {
  const q = args.q?.trim();
  const where: Prisma.RunWhereInput = {
    teamId: args.teamId,
    ...(args.status ? { status: args.status } : {}),
    ...(args.agent
      ? { steps: { some: { OR: [{ agentId: args.agent }, { agentName: args.agent }] } } }
      : {}),
    ...(args.tag ? { tags: { has: args.tag } } : {}),
    ...(q
      ? {
          OR: [
            { task: { contains: q, mode: "insensitive" } },
            { title: { contains: q, mode: "insensitive" } },
            { steps: { some: { output: { contains: q, mode: "insensitive" } } } },
          ],
        }
      : {}),
  };
  // Prisma positions a cursor by the row's id alone, outside `where`: another team's run id
  // would page this team's runs by that run's time (an oracle for other teams' ids and order).
  // Only this team's runs are cursors; any other id is refused like a malformed one.
  if (args.cursor) {
    const mine = await prisma.run.count({ where: { id: args.cursor, teamId: args.teamId } });
    if (mine === 0) {
      throw new AppError("validation_failed", "cursor: not a cursor from this list", {
        field: "cursor",
      });
    }
  }
  const rows = await prisma.run.findMany({
    where,
    include: { steps: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: args.limit + 1,
    ...(args.cursor ? { cursor: { id: args.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, args.limit);
  return {
    runs: page.map((run) => ({ ...summaryFields(run), taskPreview: run.task.slice(0, 300) })),
    nextCursor: rows.length > args.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

/** The tags the team's runs carry, most used first, for the history's tag filter. */
export async function listRunTags(
  prisma: PrismaClient,
  { teamId, limit = 100 }: { teamId: string; limit?: number },
): Promise<{ tag: string; runs: number }[]> {
  const rows = await prisma.$queryRaw<{ tag: string; runs: bigint }[]>`
    SELECT t.tag, count(*) AS runs
    FROM "Run", unnest("Run"."tags") AS t(tag)
    WHERE "Run"."teamId" = ${teamId}
    GROUP BY t.tag ORDER BY runs DESC, t.tag LIMIT ${limit}`;
  return rows.map((r) => ({ tag: r.tag, runs: Number(r.runs) }));
}

/** Runs per day with outcomes and mean latency, for the history chart. Days without runs are included. */
export async function getRunStats(
  prisma: PrismaClient,
  { teamId, days, now = new Date() }: { teamId: string; days: number; now?: Date },
): Promise<RunStatsBucket[]> {
  const start = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - (days - 1)),
  );
  const rows = await prisma.$queryRaw<
    { day: Date; runs: bigint; succeeded: bigint; failed: bigint; avg_latency: number | null }[]
  >`
    SELECT date_trunc('day', "createdAt") AS day,
           count(*) AS runs,
           count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
           count(*) FILTER (WHERE status IN ('failed', 'partial', 'interrupted')) AS failed,
           avg("latencyMs")::float8 AS avg_latency
    FROM "Run"
    WHERE "teamId" = ${teamId} AND "createdAt" >= ${start}
    GROUP BY 1 ORDER BY 1`;
  const byDay = new Map(rows.map((r) => [new Date(r.day).toISOString().slice(0, 10), r]));
  return Array.from({ length: days }, (_, i) => {
    const at = new Date(start.getTime() + i * 86_400_000);
    const row = byDay.get(at.toISOString().slice(0, 10));
    return {
      at: at.toISOString(),
      runs: Number(row?.runs ?? 0),
      succeeded: Number(row?.succeeded ?? 0),
      failed: Number(row?.failed ?? 0),
      avgLatencyMs: row?.avg_latency == null ? null : Math.round(row.avg_latency),
    };
  });
}
