import "server-only";
import { COUNTERS } from "@/lib/cache/stats-store";
import type { PrismaClient } from "@/lib/db";
import type { CacheTotalsView } from "./views";

/**
 * What the cache page reads from the CacheStat table: totals, a time series and breakdowns by
 * model or agent. The hot path only writes those rows (lib/cache/stats-store.ts).
 */
/** A period's counters and hit rate: plain numbers, so the JSON shape is the same type. */
export type CacheTotals = CacheTotalsView;

export type SeriesBucket = "minute" | "hour" | "day";

export interface CacheSeriesPoint extends CacheTotals {
  /** Start of the minute, hour or day (UTC). Periods without traffic are absent. */
  bucketStart: Date;
}

export interface CacheBreakdownRow extends CacheTotals {
  /** The agent id ("" for calls without an agent) or the model. */
  group: string;
}

type Sums = { [K in (typeof COUNTERS)[number]]: number | bigint | null };

/** Sums of the team's counters since `since` (all time without it). */
export async function getCacheTotals({
  prisma,
  teamId,
  since,
}: {
  prisma: PrismaClient;
  teamId: string;
  since?: Date;
}): Promise<CacheTotals> {
  const result = await prisma.cacheStat.aggregate({
    where: { teamId, ...(since === undefined ? {} : { bucketStart: { gte: since } }) },
    _sum: sumSelection(),
  });
  return toTotals(result._sum);
}

/** The team's counters per minute, hour or day since `since`, oldest first, for charts. */
export async function getCacheSeries({
  prisma,
  teamId,
  since,
  bucket,
}: {
  prisma: PrismaClient;
  teamId: string;
  since: Date;
  bucket: SeriesBucket;
}): Promise<CacheSeriesPoint[]> {
  // Sums are cast to float8: sum(bigint) is numeric, which raw queries return as a Decimal.
  // The unit is one of three literals, never caller text, so it may sit in the SQL string.
  const unit = ({ minute: "minute", hour: "hour", day: "day" } as const)[bucket];
  const rows = await prisma.$queryRawUnsafe<(Sums & { bucketStart: Date })[]>(
    `SELECT date_trunc('${unit}', "bucketStart") AS "bucketStart",
            ${COUNTERS.map((c) => `sum("${c}")::float8 AS "${c}"`).join(", ")}
     FROM "CacheStat"
     WHERE "teamId" = $1 AND "bucketStart" >= $2
     GROUP BY 1
     ORDER BY 1`,
    teamId,
    since,
  );
  return rows.map((row) => ({ bucketStart: row.bucketStart, ...toTotals(row) }));
}

/** The team's counters since `since` per agent or per model, busiest first. */
export async function getCacheBreakdown({
  prisma,
  teamId,
  by,
  since,
}: {
  prisma: PrismaClient;
  teamId: string;
  by: "agent" | "model";
  since: Date;
}): Promise<CacheBreakdownRow[]> {
  const where = { teamId, bucketStart: { gte: since } };
  const rows =
    by === "agent"
      ? (await prisma.cacheStat.groupBy({ by: ["agentId"], where, _sum: sumSelection() })).map(
          (row) => ({ group: row.agentId, ...toTotals(row._sum) }),
        )
      : (await prisma.cacheStat.groupBy({ by: ["model"], where, _sum: sumSelection() })).map(
          (row) => ({ group: row.model, ...toTotals(row._sum) }),
        );
  const lookups = (t: CacheTotals) => t.hitsMemory + t.hitsDb + t.coalesced + t.misses + t.bypasses;
  return rows.sort((a, b) => lookups(b) - lookups(a) || (a.group < b.group ? -1 : 1));
}

function sumSelection() {
  return Object.fromEntries(COUNTERS.map((c) => [c, true])) as {
    [K in (typeof COUNTERS)[number]]: true;
  };
}

function toTotals(sums: Sums): CacheTotals {
  const n = (value: number | bigint | null | undefined) => Number(value ?? 0);
  const totals = {
    hitsMemory: n(sums.hitsMemory),
    hitsDb: n(sums.hitsDb),
    misses: n(sums.misses),
    coalesced: n(sums.coalesced),
    bypasses: n(sums.bypasses),
    tampered: n(sums.tampered),
    evictions: n(sums.evictions),
    bytesServed: n(sums.bytesServed),
    inputTokensSaved: n(sums.inputTokensSaved),
    outputTokensSaved: n(sums.outputTokensSaved),
    costSavedUsd: n(sums.costSavedUsd),
    latencySavedMs: n(sums.latencySavedMs),
  };
  const served = totals.hitsMemory + totals.hitsDb + totals.coalesced;
  const lookups = served + totals.misses;
  return { ...totals, hitRate: lookups === 0 ? 0 : served / lookups };
}
