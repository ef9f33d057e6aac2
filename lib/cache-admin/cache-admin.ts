import "server-only";
import { getCacheBreakdown, getCacheSeries, getCacheTotals } from "./stats-queries";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { CacheServices } from "@/lib/runtime/response-cache";
import { openEntry } from "./open-entry";

/** What admin reads need from the process: its cache services only (built by lib/runtime). */
type Runtime = { cacheServices: CacheServices };

const RANGES = {
  "24h": { ms: 24 * 3600_000, bucket: "hour" as const, stepMs: 3600_000 },
  "7d": { ms: 7 * 86_400_000, bucket: "day" as const, stepMs: 86_400_000 },
  "30d": { ms: 30 * 86_400_000, bucket: "day" as const, stepMs: 86_400_000 },
};

/** Totals, a gap-filled time series, breakdowns and sizes for the cache page. */
export async function getCacheStats(args: {
  prisma: PrismaClient;
  runtime: Runtime;
  teamId: string;
  range: keyof typeof RANGES;
}) {
  const { prisma, runtime, teamId } = args;
  const range = RANGES[args.range];
  // Counters reach the database every few seconds; flush so the page shows this very moment.
  await Promise.all([
    runtime.cacheServices.flusher.flush(),
    runtime.cacheServices.cache.flushHits(),
  ]);
  const now = Date.now();
  const since = new Date(Math.floor((now - range.ms) / range.stepMs + 1) * range.stepMs);
  const [totals, series, byModel, byAgent, size] = await Promise.all([
    getCacheTotals({ prisma, teamId, since }),
    getCacheSeries({ prisma, teamId, since, bucket: range.bucket }),
    getCacheBreakdown({ prisma, teamId, by: "model", since }),
    getCacheBreakdown({ prisma, teamId, by: "agent", since }),
    runtime.cacheServices.admin.totals(teamId),
  ]);
  const agents = await prisma.agent.findMany({
    where: { teamId, id: { in: byAgent.map((r) => r.group).filter(Boolean) } },
    select: { id: true, name: true },
  });
  const nameOf = new Map(agents.map((a) => [a.id, a.name]));
  const points = new Map(series.map((p) => [p.bucketStart.getTime(), p]));
  const filled = [];
  for (let t = since.getTime(); t <= now; t += range.stepMs) {
    const p = points.get(t);
    filled.push({
      at: new Date(t).toISOString(),
      hitsMemory: p?.hitsMemory ?? 0,
      hitsDb: p?.hitsDb ?? 0,
      misses: p?.misses ?? 0,
      coalesced: p?.coalesced ?? 0,
      bypasses: p?.bypasses ?? 0,
      costSavedUsd: p?.costSavedUsd ?? 0,
      latencySavedMs: p?.latencySavedMs ?? 0,
      inputTokensSaved: p?.inputTokensSaved ?? 0,
      outputTokensSaved: p?.outputTokensSaved ?? 0,
    });
  }
  const hits = (r: { hitsMemory: number; hitsDb: number; coalesced: number }) =>
    r.hitsMemory + r.hitsDb + r.coalesced;
  return {
    totals,
    series: filled,
    byModel: byModel.map((r) => ({
      model: r.group,
      hits: hits(r),
      misses: r.misses,
      costSavedUsd: r.costSavedUsd,
    })),
    byAgent: byAgent.map((r) => ({
      agentId: r.group || null,
      agentName: r.group ? (nameOf.get(r.group) ?? "(deleted agent)") : "(gateway)",
      hits: hits(r),
      misses: r.misses,
      costSavedUsd: r.costSavedUsd,
    })),
    size: { ...size, ...runtime.cacheServices.limits },
    // Only the team's own share: the process's L1 holds every team's entries (issue 13 #7).
    memory: runtime.cacheServices.l1.teamStats(teamId),
  };
}

function previewOf(request: unknown): string {
  const messages = (request as { messages?: { content?: unknown }[] } | null)?.messages;
  const last = Array.isArray(messages) ? messages.at(-1)?.content : undefined;
  const text =
    typeof last === "string"
      ? last
      : Array.isArray(last)
        ? last.map((b: { text?: string }) => b?.text ?? "").join(" ")
        : "";
  return text.replace(/\s+/g, " ").trim().slice(0, 160);
}

export async function listCacheEntries(args: {
  prisma: PrismaClient;
  runtime: Runtime;
  teamId: string;
  query: {
    search?: string;
    model?: string;
    agent?: string;
    minHits?: number;
    sort: "lastHit" | "hits" | "size" | "created";
    cursor?: string;
    limit: number;
  };
}) {
  const { query } = args;
  await args.runtime.cacheServices.cache.flushHits();
  const result = await args.runtime.cacheServices.admin.list({
    teamId: args.teamId,
    search: query.search,
    model: query.model,
    agentId: query.agent,
    minHits: query.minHits,
    sort: query.sort,
    cursor: query.cursor,
    limit: query.limit,
  });
  const agentIds = [
    ...new Set(result.entries.map((e) => e.agentId).filter((id): id is string => !!id)),
  ];
  const agents = await args.prisma.agent.findMany({
    where: { teamId: args.teamId, id: { in: agentIds } },
    select: { id: true, name: true },
  });
  const nameOf = new Map(agents.map((a) => [a.id, a.name]));
  return {
    entries: result.entries.map((e) => ({
      key: e.key,
      model: e.model,
      agentId: e.agentId,
      agentName: e.agentId ? (nameOf.get(e.agentId) ?? null) : null,
      sizeBytes: e.sizeBytes,
      hitCount: e.hitCount,
      inputTokens: e.inputTokens,
      outputTokens: e.outputTokens,
      latencyMs: e.latencyMs,
      createdAt: e.createdAt.toISOString(),
      lastHitAt: e.lastHitAt.toISOString(),
      expiresAt: e.expiresAt?.toISOString() ?? null,
      preview: e.encrypted ? "(encrypted)" : previewOf(e.request),
    })),
    nextCursor: result.nextCursor,
  };
}

export async function inspectCacheEntry(args: { runtime: Runtime; teamId: string; key: string }) {
  const { cacheServices } = args.runtime;
  const entry = await cacheServices.admin.inspect({ teamId: args.teamId, key: args.key });
  if (!entry) throw new AppError("not_found", "no such cache entry");
  // Served through the cache itself, so what admins see is verified (and decrypted) like a hit.
  const opened = await openEntry(entry, cacheServices.keys);
  return {
    key: entry.key,
    model: entry.model,
    agentId: entry.agentId,
    sizeBytes: entry.sizeBytes,
    hitCount: entry.hitCount,
    inputTokens: entry.inputTokens,
    outputTokens: entry.outputTokens,
    latencyMs: entry.latencyMs,
    createdAt: entry.createdAt.toISOString(),
    lastHitAt: entry.lastHitAt.toISOString(),
    expiresAt: entry.expiresAt?.toISOString() ?? null,
    encrypted: entry.encrypted,
    verified: opened.verified,
    request: opened.request,
    response: opened.response,
  };
}

/** Purges the team's L2 rows and, on every instance, their L1 copies. */
export async function purgeCache(args: {
  runtime: Runtime;
  teamId: string;
  filter: { key?: string; agentId?: string; model?: string; olderThanSeconds?: number; all?: true };
}) {
  const { key, agentId, model, olderThanSeconds } = args.filter;
  const filter = {
    teamId: args.teamId,
    ...(key ? { key } : {}),
    ...(agentId ? { agentId } : {}),
    ...(model ? { model } : {}),
    ...(olderThanSeconds !== undefined
      ? { olderThan: new Date(Date.now() - olderThanSeconds * 1000) }
      : {}),
  };
  const purged = await args.runtime.cacheServices.admin.purge(filter);
  // This instance's L1 now; every other instance's through the bus.
  args.runtime.cacheServices.cache.purge(filter);
  void args.runtime.cacheServices.purgeBus.publish(filter);
  return { purged };
}
