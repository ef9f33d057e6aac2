import "server-only";
import type { PrismaClient, SqlQuery } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { batchedServedReader } from "./l2-read-batch";
import { touchMany, upsertMany } from "./l2-sql";
import type { L2Store, ServedEntry, StoredEntry } from "./l2-store";

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
   * Upper bound on one team's rows: sweep() evicts that team's least recently hit beyond it
   * first, so one team filling L2 cannot evict every other team's rows.
   * @default maxEntries (no per-team bound)
   */
  teamMaxEntries?: number;
  /**
   * Upper bound on one team's summed `sizeBytes`, enforced like teamMaxEntries.
   * @default maxBytes (no per-team bound)
   */
  teamMaxBytes?: number;
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
  /**
   * Raw SQL on the same database (Database.query): the hot path's read and batched writes then
   * skip Prisma's per-query work (see l2-sql.ts). @default undefined (everything through Prisma)
   */
  sql?: SqlQuery;
}

export interface PrismaL2Store extends L2Store {
  /**
   * Deletes expired rows, evicts each team's least-recently-hit rows beyond its quota, then the
   * least-recently-hit rows overall until both global bounds hold.
   */
  sweep(): Promise<{ expired: number; evicted: number }>;
}

/**
 * L2 on the CacheEntry table, the hot path's side: point reads and writes through Prisma's model
 * API, and the sweep that keeps it within its bounds (one SQL statement on Postgres 15+ and
 * PGlite). What admin screens read and do is in lib/cache-admin/l2-admin.ts.
 */
export function createPrismaL2Store(
  prisma: PrismaClient,
  options: PrismaL2StoreOptions,
): PrismaL2Store {
  const now = options.now ?? Date.now;

  const { sql } = options;
  const readServed = sql && batchedServedReader(sql);
  return {
    async get(key) {
      if (readServed) return guard("read", () => readServed(key));
      const row = await guard("read", () => prisma.cacheEntry.findUnique({ where: { key } }));
      return row === null ? null : served(toEntry(row));
    },

    putMany: sql && ((entries) => guard("write", () => upsertMany(sql, entries))),
    touchMany: sql && ((hits, at) => guard("write", () => touchMany(sql, hits, at))),

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
          // A refresh (cache warming) rewrites the answer, not the entry's history: the hits it
          // earned and when it was last hit stay (issue 13 #8).
          update: { ...data, hitCount: undefined, lastHitAt: undefined },
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

    async delete(key, only) {
      await guard("write", () =>
        prisma.cacheEntry.deleteMany({ where: { key, ...(only && { hmac: only.hmac }) } }),
      );
    },

    async touch(key, at, hits = 1) {
      await guard("write", () =>
        prisma.cacheEntry.updateMany({
          where: { key },
          data: { hitCount: { increment: hits }, lastHitAt: at },
        }),
      );
    },

    sweep: () => sweepStore(prisma, options, now),
  };
}

/** Deletes expired rows, then evicts least-recently-hit rows until both bounds hold. */
async function sweepStore(
  prisma: PrismaClient,
  options: PrismaL2StoreOptions,
  now: () => number,
): Promise<{ expired: number; evicted: number }> {
  const cutoff = new Date(now()).toISOString();
  const expired = await guard("write", () =>
    prisma.$executeRawUnsafe(
      `DELETE FROM "CacheEntry"
       WHERE "expiresAt" IS NOT NULL AND "expiresAt" <= CAST($1 AS timestamptz) AT TIME ZONE 'UTC'`,
      cutoff,
    ),
  );
  // Team quotas first: a team past its own bound loses its own oldest rows, which then no longer
  // count against the global bounds (that would evict other teams' rows for them).
  const overQuota =
    options.teamMaxEntries === undefined && options.teamMaxBytes === undefined
      ? []
      : await evictBeyond(prisma, `PARTITION BY "teamId"`, {
          entries: options.teamMaxEntries ?? options.maxEntries,
          bytes: options.teamMaxBytes ?? options.maxBytes,
        });
  const overall = await evictBeyond(prisma, "", {
    entries: options.maxEntries,
    bytes: options.maxBytes,
  });
  const evicted = [...overQuota, ...overall];
  if (evicted.length > 0) options.onEvict?.(evicted);
  return { expired, evicted: evicted.length };
}

/**
 * One pass: rank rows (per partition) from most to least recently hit with a running byte total,
 * and delete those past either bound. Ties on lastHitAt break on key so the order is total.
 */
function evictBeyond(
  prisma: PrismaClient,
  partition: string,
  bounds: { entries: number; bytes: number },
): Promise<EvictedEntry[]> {
  return guard("write", () =>
    prisma.$queryRawUnsafe<EvictedEntry[]>(
      `WITH ranked AS (
         SELECT "key",
                row_number() OVER w AS position,
                sum("sizeBytes") OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
         FROM "CacheEntry"
         WINDOW w AS (${partition} ORDER BY "lastHitAt" DESC, "key" DESC)
       )
       DELETE FROM "CacheEntry" AS e
       USING ranked AS r
       WHERE e."key" = r."key" AND (r.position > $1 OR r.running > $2)
       RETURNING e."teamId", e."agentId", e."model"`,
      Math.max(0, Math.floor(bounds.entries)),
      Math.max(0, Math.floor(bounds.bytes)),
    ),
  );
}

function served({ request: _request, ...entry }: StoredEntry): ServedEntry {
  return entry;
}

function toEntry(row: StoredEntry): StoredEntry {
  return {
    ...row,
    sizeBytes: Number(row.sizeBytes),
    inputTokens: Number(row.inputTokens),
    outputTokens: Number(row.outputTokens),
    latencyMs: Number(row.latencyMs),
    hitCount: Number(row.hitCount),
  };
}

/** A Prisma error code (P2002…), if that is what `error` is. */
export function prismaCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^P\d{4}$/.test(code) ? code : undefined;
}

/** Translates Prisma errors at the boundary: a missing team, or an unreachable database. */
export async function guard<T>(operation: "read" | "write", run: () => Promise<T>): Promise<T> {
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
