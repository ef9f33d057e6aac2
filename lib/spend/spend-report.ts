import "server-only";
import type { PrismaClient } from "@/lib/db";
import { Prisma } from "@/lib/db/generated/client";
import type { SpendQuery, SpendGroup } from "./schemas";
import type { SpendReport, SpendRow } from "./spend-view";

/** Each grouping's SQL expression over the `calls` union below: fixed text, never input. */
const GROUP_SQL: Record<SpendGroup, Prisma.Sql> = {
  team: Prisma.raw(`"teamId"`),
  // Runs carry no key; warming calls are logged without one and named 'warming' below.
  key: Prisma.raw(`COALESCE("apiKeyId", 'runs')`),
  agent: Prisma.raw(
    `COALESCE("agentId", CASE WHEN "apiKeyId" IS NULL AND "agentName" IS NOT NULL THEN 'deleted' ELSE 'gateway' END)`,
  ),
  model: Prisma.raw(`COALESCE("model", 'unknown')`),
  day: Prisma.raw(`to_char("at" AT TIME ZONE 'UTC', 'YYYY-MM-DD')`),
};

interface RawRow {
  group: string;
  label: string | null;
  calls: bigint;
  inputTokens: bigint | null;
  outputTokens: bigint | null;
  cacheWriteTokens: bigint | null;
  cacheReadTokens: bigint | null;
  costUsd: number | null;
  cacheHits: bigint;
  savedUsd: number | null;
}

/**
 * Every model call of the team in [from, to): run steps that answered and gateway calls, each with
 * its usage and cost as recorded when it was made (so a price change never rewrites history).
 * Answers served from the response cache count as hits with what they saved, not as calls.
 */
function callsSql(teamId: string, from: Date, to: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT r."teamId", NULL::text AS "apiKeyId", s."agentId", s."agentName",
           s."agentSnapshot"->>'model' AS "model", COALESCE(s."endedAt", r."createdAt") AS "at",
           s."cacheStatus", s."inputTokens", s."outputTokens",
           s."cacheWrite5mTokens" + s."cacheWrite1hTokens" AS "cacheWrite", s."cacheReadTokens",
           s."costUsd", s."savedUsd"
      FROM "RunStep" s JOIN "Run" r ON r."id" = s."runId"
     WHERE r."teamId" = ${teamId} AND s."status" = 'succeeded'
       AND r."createdAt" < ${to} AND COALESCE(s."endedAt", r."createdAt") >= ${from}
       AND COALESCE(s."endedAt", r."createdAt") < ${to}
    UNION ALL
    SELECT g."teamId", COALESCE(g."apiKeyId", 'warming'), NULL, NULL, g."model", g."createdAt", g."cacheStatus",
           g."inputTokens", g."outputTokens", g."cacheWrite5mTokens" + g."cacheWrite1hTokens",
           g."cacheReadTokens", g."costUsd", g."savedUsd"
      FROM "GatewayRequest" g
     WHERE g."teamId" = ${teamId} AND g."createdAt" >= ${from} AND g."createdAt" < ${to}`;
}

const HIT = Prisma.raw(`"cacheStatus" IN ('hit-memory', 'hit-db', 'coalesced')`);
const BILLED = Prisma.raw(
  `NOT COALESCE("cacheStatus" IN ('hit-memory', 'hit-db', 'coalesced'), false) AND ("inputTokens" + "outputTokens" + "cacheWrite" + "cacheReadTokens") > 0`,
);

/** Spend of the caller's team, grouped; rows by cost, most first (days in order). */
export async function spendReport(
  prisma: PrismaClient,
  teamId: string,
  q: SpendQuery,
): Promise<SpendReport> {
  const group = GROUP_SQL[q.by];
  const order = q.by === "day" ? Prisma.raw(`1 ASC`) : Prisma.raw(`"costUsd" DESC NULLS LAST, 1`);
  const raw = await prisma.$queryRaw<RawRow[]>`
    SELECT ${group} AS "group", max("agentName") AS "label",
           count(*) FILTER (WHERE ${BILLED}) AS "calls",
           sum("inputTokens") FILTER (WHERE ${BILLED}) AS "inputTokens",
           sum("outputTokens") FILTER (WHERE ${BILLED}) AS "outputTokens",
           sum("cacheWrite") FILTER (WHERE ${BILLED}) AS "cacheWriteTokens",
           sum("cacheReadTokens") FILTER (WHERE ${BILLED}) AS "cacheReadTokens",
           sum("costUsd") AS "costUsd",
           count(*) FILTER (WHERE ${HIT}) AS "cacheHits",
           sum("savedUsd") AS "savedUsd"
      FROM (${callsSql(teamId, q.from, q.to)}) AS calls
     GROUP BY 1
    HAVING count(*) FILTER (WHERE ${BILLED}) > 0 OR count(*) FILTER (WHERE ${HIT}) > 0
     ORDER BY ${order}`;
  const rows = raw.map(toRow);
  if (q.by === "key") await labelKeys(prisma, teamId, rows);
  else if (q.by !== "agent") for (const row of rows) row.label = null;
  return {
    by: q.by,
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    totalUsd: rows.reduce((sum, r) => sum + r.costUsd, 0),
    savedUsd: rows.reduce((sum, r) => sum + r.savedUsd, 0),
    rows,
  };
}

const toRow = (r: RawRow): SpendRow => ({
  group: r.group,
  label: r.label,
  calls: Number(r.calls),
  inputTokens: Number(r.inputTokens ?? 0),
  outputTokens: Number(r.outputTokens ?? 0),
  cacheWriteTokens: Number(r.cacheWriteTokens ?? 0),
  cacheReadTokens: Number(r.cacheReadTokens ?? 0),
  costUsd: r.costUsd ?? 0,
  cacheHits: Number(r.cacheHits),
  savedUsd: r.savedUsd ?? 0,
});

/** API keys by name (a deleted key keeps its id). */
async function labelKeys(prisma: PrismaClient, teamId: string, rows: SpendRow[]): Promise<void> {
  const ids = rows.map((r) => r.group);
  const keys = await prisma.apiKey.findMany({
    where: { teamId, id: { in: ids } },
    select: { id: true, name: true },
  });
  const names = new Map(keys.map((k) => [k.id, k.name]));
  const own: Record<string, string> = { runs: "Runs", warming: "Cache warming" };
  for (const row of rows) row.label = own[row.group] ?? names.get(row.group) ?? null;
}
