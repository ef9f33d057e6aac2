import "server-only";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { L2Store, StoredEntry } from "./l2-store";
import type { PurgeFilter } from "./response-cache";

/** Who an evicted row belonged to: enough for the eviction counter in CacheStat. */
export interface EvictedEntry {
  teamId: string;
  agentId: string | null;
  model: string;
}

export interface PrismaL2StoreOptions {
  /** Upper bound on rows across all teams; sweep() evicts the least recently hit beyond it. */
  maxEntries: number;
  /** Upper bound on summed `sizeBytes` across all teams; enforced by sweep() like maxEntries. */
  maxBytes: number;
  /**
   * Clock in epoch milliseconds, for expiry in sweep().
   * @default Date.now
   */
  now?: () => number;
  /**
   * Told of rows sweep() evicted for space (not expired ones), so statistics can count them.
   * @default undefined
   */
  onEvict?: (entries: EvictedEntry[]) => void;
}

export type ListSort = "lastHit" | "hits" | "size" | "created";

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

export interface PrismaL2Store extends L2Store {
  /** Deletes expired rows, then evicts least-recently-hit rows until both bounds hold. */
  sweep(): Promise<{ expired: number; evicted: number }>;
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

const TIMESTAMP_SORTS: ReadonlySet<ListSort> = new Set(["lastHit", "created"]);

const SUMMARY_COLUMNS = `"key", "teamId", "agentId", "model", "request", "encrypted", "sizeBytes",
  "inputTokens", "outputTokens", "latencyMs", "hitCount", "createdAt", "lastHitAt", "expiresAt"`;

/**
 * L2 on the CacheEntry table. Point reads and writes go through Prisma's model API; sweep and the
 * admin listing are single SQL statements that run the same on Postgres 15+ and PGlite.
 */
export function createPrismaL2Store(
  prisma: PrismaClient,
  options: PrismaL2StoreOptions,
): PrismaL2Store {
  const now = options.now ?? Date.now;

  return {
    async get(key) {
      const row = await guard("read", () => prisma.cacheEntry.findUnique({ where: { key } }));
      return row === null ? null : toEntry(row);
    },

    async put(entry) {
      const data = {
        teamId: entry.teamId,
        agentId: entry.agentId,
        model: entry.model,
        // Prisma's Json input type cannot describe `unknown`; the request is plain canonical JSON.
        request: entry.request as never,
        response: entry.response,
        encrypted: entry.encrypted,
        hmac: entry.hmac,
        sizeBytes: entry.sizeBytes,
        inputTokens: entry.inputTokens,
        outputTokens: entry.outputTokens,
        latencyMs: entry.latencyMs,
        hitCount: entry.hitCount,
        createdAt: entry.createdAt,
        lastHitAt: entry.lastHitAt,
        expiresAt: entry.expiresAt,
      };
      const upsert = () =>
        prisma.cacheEntry.upsert({
          where: { key: entry.key },
          create: { key: entry.key, ...data },
          update: data,
        });
      await guard("write", async () => {
        try {
          await upsert();
        } catch (error) {
          // Two instances inserting the same new key at once: the loser's retry becomes an update.
          if (prismaCode(error) !== "P2002") throw error;
          await upsert();
        }
      });
    },

    async delete(key) {
      await guard("write", () => prisma.cacheEntry.deleteMany({ where: { key } }));
    },

    async touch(key, at, hits = 1) {
      await guard("write", () =>
        prisma.cacheEntry.updateMany({
          where: { key },
          data: { hitCount: { increment: hits }, lastHitAt: at },
        }),
      );
    },

    async sweep() {
      const cutoff = new Date(now()).toISOString();
      const expired = await guard("write", () =>
        prisma.$executeRawUnsafe(
          `DELETE FROM "CacheEntry"
           WHERE "expiresAt" IS NOT NULL AND "expiresAt" <= CAST($1 AS timestamptz) AT TIME ZONE 'UTC'`,
          cutoff,
        ),
      );
      // One pass: rank every row from most to least recently hit with a running byte total, and
      // delete those past either bound. Ties on lastHitAt break on key so the order is total.
      const evicted = await guard("write", () =>
        prisma.$queryRawUnsafe<EvictedEntry[]>(
          `WITH ranked AS (
             SELECT "key",
                    row_number() OVER w AS position,
                    sum("sizeBytes") OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
             FROM "CacheEntry"
             WINDOW w AS (ORDER BY "lastHitAt" DESC, "key" DESC)
           )
           DELETE FROM "CacheEntry" AS e
           USING ranked AS r
           WHERE e."key" = r."key" AND (r.position > $1 OR r.running > $2)
           RETURNING e."teamId", e."agentId", e."model"`,
          Math.max(0, Math.floor(options.maxEntries)),
          Math.max(0, Math.floor(options.maxBytes)),
        ),
      );
      if (evicted.length > 0) options.onEvict?.(evicted);
      return { expired, evicted: evicted.length };
    },

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

    async list(query) {
      const limit = Math.min(500, Math.max(1, Math.floor(query.limit)));
      const params: unknown[] = [];
      const p = (value: unknown) => {
        params.push(value);
        return `$${params.length}`;
      };
      const time = (date: Date) =>
        `(CAST(${p(date.toISOString())} AS timestamptz) AT TIME ZONE 'UTC')`;
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
        const cursor = decodeCursor(query.cursor, query.sort);
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
          rows.length > limit && last !== undefined ? encodeCursor(query.sort, last) : null,
      };
    },

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

/** Keyset cursor: the last row's sort value and key, opaque to callers. */
function encodeCursor(sort: ListSort, row: EntrySummary): string {
  const value =
    sort === "lastHit"
      ? row.lastHitAt.toISOString()
      : sort === "created"
        ? row.createdAt.toISOString()
        : sort === "hits"
          ? row.hitCount
          : row.sizeBytes;
  return Buffer.from(JSON.stringify({ s: sort, v: value, k: row.key })).toString("base64url");
}

function decodeCursor(cursor: string, sort: ListSort): { value: string | number; key: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = undefined;
  }
  const c = parsed as { s?: unknown; v?: unknown; k?: unknown } | undefined;
  const timestamp = TIMESTAMP_SORTS.has(sort);
  if (
    c?.s !== sort ||
    typeof c.k !== "string" ||
    (timestamp ? typeof c.v !== "string" || Number.isNaN(Date.parse(c.v)) : !Number.isInteger(c.v))
  ) {
    throw new AppError("bad_request", "invalid cursor", { field: "cursor" });
  }
  return { value: c.v as string | number, key: c.k };
}

function prismaCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^P\d{4}$/.test(code) ? code : undefined;
}

/** Translates Prisma errors at the boundary: a missing team, or an unreachable database. */
async function guard<T>(operation: "read" | "write", run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = prismaCode(error);
    if (code === "P2003")
      throw new AppError("not_found", "the cache entry's team does not exist", { cause: error });
    if (code !== undefined && /^P1\d{3}$|^P2024$/.test(code))
      throw new AppError("unavailable", `cache store ${operation} failed: database unavailable`, {
        cause: error,
      });
    throw error;
  }
}
