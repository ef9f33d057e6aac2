import "server-only";
import type { SqlQuery } from "@/lib/db";
import { epochMsOf, timestampFromMs } from "@/lib/db/epoch-ms";
import type { ServedEntry, StoredEntry } from "./l2-store";

/**
 * The L2 hot path's statements in raw SQL, run on the pool (or PGlite) beside Prisma's: one
 * primary-key read without the request column, and batched writes as one statement per batch.
 * Through Prisma, a point read cost 2.8 ms of CPU on PGlite and an upsert 6.9 ms (its query
 * compiler and result mapping); raw, 1.2 ms, and a 50-row upsert 3 ms in all. Times travel as
 * epoch milliseconds (lib/db/epoch-ms.ts).
 */

const SELECT_SERVED = `SELECT "key", "teamId", "agentId", "model", "response", "encrypted", "hmac",
    "sizeBytes", "inputTokens", "outputTokens", "latencyMs", "hitCount",
    ${epochMsOf("createdAt")}, ${epochMsOf("lastHitAt")}, ${epochMsOf("expiresAt")}
  FROM "CacheEntry" WHERE "key" = ANY($1::text[])`;

interface ServedRow extends Record<string, unknown> {
  key: string;
  teamId: string;
  agentId: string | null;
  model: string;
  response: string;
  encrypted: boolean;
  hmac: string;
  sizeBytes: number | string;
  inputTokens: number | string;
  outputTokens: number | string;
  latencyMs: number | string;
  hitCount: number | string;
  createdAtMs: number;
  lastHitAtMs: number;
  expiresAtMs: number | null;
}

/**
 * The rows hits serve, by key (absent keys are absent): one indexed read for all of them, the
 * request column left out.
 */
export async function selectServed(
  sql: SqlQuery,
  keys: readonly string[],
): Promise<Map<string, ServedEntry>> {
  const rows = await sql<ServedRow>(SELECT_SERVED, [keys]);
  return new Map(rows.map((row) => [row.key, servedOf(row)]));
}

function servedOf(row: ServedRow): ServedEntry {
  return {
    key: row.key,
    teamId: row.teamId,
    agentId: row.agentId,
    model: row.model,
    response: row.response,
    encrypted: row.encrypted,
    hmac: row.hmac,
    sizeBytes: Number(row.sizeBytes),
    inputTokens: Number(row.inputTokens),
    outputTokens: Number(row.outputTokens),
    latencyMs: Number(row.latencyMs),
    hitCount: Number(row.hitCount),
    createdAt: new Date(Number(row.createdAtMs)),
    lastHitAt: new Date(Number(row.lastHitAtMs)),
    expiresAt: row.expiresAtMs === null ? null : new Date(Number(row.expiresAtMs)),
  };
}

const UPSERT_MANY = `INSERT INTO "CacheEntry" ("key", "teamId", "agentId", "model", "request",
    "response", "encrypted", "hmac", "sizeBytes", "inputTokens", "outputTokens", "latencyMs",
    "hitCount", "createdAt", "lastHitAt", "expiresAt")
  SELECT k, t, a, m, r::jsonb, resp, enc, h, sb, it, ot, lat, hc,
    ${timestampFromMs("c")}, ${timestampFromMs("lh")},
    CASE WHEN e IS NULL THEN NULL ELSE ${timestampFromMs("e")} END
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
    $7::boolean[], $8::text[], $9::int[], $10::int[], $11::int[], $12::int[], $13::int[],
    $14::float8[], $15::float8[], $16::float8[])
    AS u(k, t, a, m, r, resp, enc, h, sb, it, ot, lat, hc, c, lh, e)
  ON CONFLICT ("key") DO UPDATE SET
    "teamId" = excluded."teamId", "agentId" = excluded."agentId", "model" = excluded."model",
    "request" = excluded."request", "response" = excluded."response",
    "encrypted" = excluded."encrypted", "hmac" = excluded."hmac",
    "sizeBytes" = excluded."sizeBytes", "inputTokens" = excluded."inputTokens",
    "outputTokens" = excluded."outputTokens", "latencyMs" = excluded."latencyMs",
    "createdAt" = excluded."createdAt", "expiresAt" = excluded."expiresAt"`;

/**
 * Inserts or replaces rows in one statement, all or nothing. A key twice in one batch keeps its
 * last row (one statement may not update a row twice). A replaced row keeps its hitCount and
 * lastHitAt: a refresh (cache warming) rewrites the answer, not the hits it earned (issue 13 #8).
 */
export async function upsertMany(sql: SqlQuery, entries: readonly StoredEntry[]): Promise<void> {
  const byKey = new Map<string, StoredEntry>();
  for (const entry of entries) byKey.set(entry.key, entry);
  const rows = [...byKey.values()];
  if (rows.length === 0) return;
  const col = <T>(pick: (entry: StoredEntry) => T) => rows.map(pick);
  await sql(UPSERT_MANY, [
    col((e) => e.key),
    col((e) => e.teamId),
    col((e) => e.agentId),
    col((e) => e.model),
    col((e) => JSON.stringify(e.request ?? null)),
    col((e) => e.response),
    col((e) => e.encrypted),
    col((e) => e.hmac),
    col((e) => e.sizeBytes),
    col((e) => e.inputTokens),
    col((e) => e.outputTokens),
    col((e) => e.latencyMs),
    col((e) => e.hitCount),
    col((e) => e.createdAt.getTime()),
    col((e) => e.lastHitAt.getTime()),
    col((e) => e.expiresAt?.getTime() ?? null),
  ]);
}

const TOUCH_MANY = `UPDATE "CacheEntry" AS e
  SET "hitCount" = e."hitCount" + u.hits, "lastHitAt" = ${timestampFromMs("$3::float8")}
  FROM unnest($1::text[], $2::int[]) AS u(k, hits)
  WHERE e."key" = u.k`;

/** Adds hits to many rows and sets their lastHitAt, in one statement; missing rows are skipped. */
export async function touchMany(
  sql: SqlQuery,
  hits: ReadonlyMap<string, number>,
  at: Date,
): Promise<void> {
  if (hits.size === 0) return;
  await sql(TOUCH_MANY, [[...hits.keys()], [...hits.values()], at.getTime()]);
}
