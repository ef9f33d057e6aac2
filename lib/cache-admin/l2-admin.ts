import "server-only";
import type { StoredEntry } from "@/lib/cache";
import { guard } from "@/lib/cache/prisma-l2-store";
import type { PurgeFilter } from "@/lib/cache/purge-filter";
import type { PrismaClient } from "@/lib/db";
import { decodeCursor, encodeCursor, type ListSort, TIMESTAMP_SORTS } from "./list-cursor";

export type { ListSort } from "./list-cursor";

export interface ListQuery {
  teamId: string;
  agentId?: string;
  model?: string;
  /** Matches a key prefix, or a substring of the model or of the request JSON (plaintext rows). */
  search?: string;
  minHits?: number;
  /** Entries created before this instant. */
  olderThan?: Date;
  /** Always descending: most recent, most hit, largest or newest first. */
  sort: ListSort;
  /** nextCursor of the previous page. */
  cursor?: string;
  /** Page size, clamped to 1..500. */
  limit: number;
}

/** A row without its response body, for listings. */
export type EntrySummary = Omit<StoredEntry, "response" | "hmac">;

export interface ListResult {
  entries: EntrySummary[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface StoreTotals {
  entries: number;
  bytes: number;
}

/** What admin screens read and do with L2 rows: list, open, count, purge, pick warm-up work. */
export interface L2Admin {
  /** Deletes rows matching every given criterion; returns how many. An empty filter empties L2. */
  purge(filter: PurgeFilter): Promise<number>;
  list(query: ListQuery): Promise<ListResult>;
  /** The full row, only if it belongs to teamId. */
  inspect(params: { teamId: string; key: string }): Promise<StoredEntry | null>;
  /** Rows and bytes held, for one team or for all. */
  totals(teamId?: string): Promise<StoreTotals>;
  /** The team's most requested entries (with their requests), for cache warming. */
  topRequested(teamId: string, n: number): Promise<StoredEntry[]>;
}

/** A CacheEntry row as read; raw SQL may hand numeric columns back as other types (toSummary normalises). */
type Row = StoredEntry;

const SORT_COLUMN: Record<ListSort, string> = {
  lastHit: `"lastHitAt"`,
  hits: `"hitCount"`,
  size: `"sizeBytes"`,
  created: `"createdAt"`,
};

const SUMMARY_COLUMNS = `"key", "teamId", "agentId", "model", "request", "encrypted", "sizeBytes",
  "inputTokens", "outputTokens", "latencyMs", "hitCount", "createdAt", "lastHitAt", "expiresAt"`;

/** The admin side of the CacheEntry table (single SQL statements, the same on Postgres and PGlite). */
export function createL2Admin(prisma: PrismaClient): L2Admin {
  return {
    async purge(filter) {
      const result = await guard("write", () =>
        prisma.cacheEntry.deleteMany({
          where: {
            key: filter.key,
            teamId: filter.teamId,
            agentId: filter.agentId,
            model: filter.model,
            createdAt: filter.olderThan === undefined ? undefined : { lt: filter.olderThan },
          },
        }),
      );
      return result.count;
    },

    list: (query) => listEntries(prisma, query),

    async inspect({ teamId, key }) {
      const row = await guard("read", () =>
        prisma.cacheEntry.findFirst({ where: { key, teamId } }),
      );
      return row === null ? null : toEntry(row);
    },

    async totals(teamId) {
      const result = await guard("read", () =>
        prisma.cacheEntry.aggregate({
          where: teamId === undefined ? {} : { teamId },
          _count: { _all: true },
          _sum: { sizeBytes: true },
        }),
      );
      return { entries: result._count._all, bytes: Number(result._sum.sizeBytes ?? 0) };
    },

    async topRequested(teamId, n) {
      const rows = await guard("read", () =>
        prisma.cacheEntry.findMany({
          where: { teamId },
          orderBy: [{ hitCount: "desc" }, { lastHitAt: "desc" }],
          take: Math.max(0, Math.floor(n)),
        }),
      );
      return rows.map(toEntry);
    },
  };
}

/** One keyset-paginated page of a team's entries, without their response bodies. */
async function listEntries(prisma: PrismaClient, query: ListQuery): Promise<ListResult> {
  const limit = Math.min(500, Math.max(1, Math.floor(query.limit)));
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const time = (date: Date) => `(CAST(${p(date.toISOString())} AS timestamptz) AT TIME ZONE 'UTC')`;
  const where = [`"teamId" = ${p(query.teamId)}`];
  if (query.agentId !== undefined) where.push(`"agentId" = ${p(query.agentId)}`);
  if (query.model !== undefined) where.push(`"model" = ${p(query.model)}`);
  if (query.minHits !== undefined) where.push(`"hitCount" >= ${p(query.minHits)}`);
  if (query.olderThan !== undefined) where.push(`"createdAt" < ${time(query.olderThan)}`);
  if (query.search !== undefined && query.search !== "") {
    const escaped = query.search.replace(/[\\%_]/g, (c) => `\\${c}`);
    const prefix = p(`${escaped.toLowerCase()}%`);
    const contains = p(`%${escaped}%`);
    where.push(
      `("key" LIKE ${prefix} OR "model" ILIKE ${contains} OR "request"::text ILIKE ${contains})`,
    );
  }
  const column = SORT_COLUMN[query.sort];
  if (query.cursor !== undefined) {
    const cursor = decodeCursor(query.cursor, query.teamId, query.sort);
    const value = TIMESTAMP_SORTS.has(query.sort)
      ? time(new Date(cursor.value as string))
      : p(cursor.value);
    where.push(`(${column}, "key") < (${value}, ${p(cursor.key)})`);
  }
  const rows = await guard("read", () =>
    prisma.$queryRawUnsafe<Omit<Row, "response" | "hmac">[]>(
      `SELECT ${SUMMARY_COLUMNS} FROM "CacheEntry"
       WHERE ${where.join(" AND ")}
       ORDER BY ${column} DESC, "key" DESC
       LIMIT ${p(limit + 1)}`,
      ...params,
    ),
  );
  const page = rows.slice(0, limit).map(toSummary);
  const last = page.at(-1);
  return {
    entries: page,
    nextCursor:
      rows.length > limit && last !== undefined
        ? encodeCursor(query.teamId, query.sort, positionOf(query.sort, last))
        : null,
  };
}

function toSummary(row: Omit<Row, "response" | "hmac">): EntrySummary {
  return {
    key: row.key,
    teamId: row.teamId,
    agentId: row.agentId,
    model: row.model,
    request: row.request,
    encrypted: row.encrypted,
    sizeBytes: Number(row.sizeBytes),
    inputTokens: Number(row.inputTokens),
    outputTokens: Number(row.outputTokens),
    latencyMs: Number(row.latencyMs),
    hitCount: Number(row.hitCount),
    createdAt: row.createdAt,
    lastHitAt: row.lastHitAt,
    expiresAt: row.expiresAt,
  };
}

function toEntry(row: Row): StoredEntry {
  return { ...toSummary(row), response: row.response, hmac: row.hmac };
}

/** Where a page ends, for its cursor. */
function positionOf(sort: ListSort, row: EntrySummary) {
  const value =
    sort === "lastHit"
      ? row.lastHitAt.toISOString()
      : sort === "created"
        ? row.createdAt.toISOString()
        : sort === "hits"
          ? row.hitCount
          : row.sizeBytes;
  return { value, key: row.key };
}
