import "server-only";
import { isRowRejection, sqlStateOf } from "@/lib/db/sql-state";
import { randomUUID } from "node:crypto";
import type { Database, SqlQuery } from "@/lib/db";
import { timestampFromMs } from "@/lib/db/epoch-ms";
import type { Logger } from "@/lib/log";
import { type BatchWriterStats, createBatchWriter } from "./batch-writer";

/** One gateway request as the log keeps it. Never holds a credential. */
export interface GatewayRequestRow {
  teamId: string;
  apiKeyId: string | null;
  /** The `request-id` the client received. */
  requestId?: string | null;
  /** @default "POST" */
  method?: string;
  /** The API path after /api/anthropic, without the query string. @default "/v1/messages" */
  path?: string;
  /** Null when the request was refused before a model was known. */
  model: string | null;
  stream: boolean;
  status: number;
  cacheStatus?: string | null;
  /** The API error type of a failed request (`invalid_request_error`, `request_too_large`, …). */
  errorType?: string | null;
  /** The upstream was called with the client's own credential (x-ensemble-key mode). */
  clientCredentials?: boolean;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  /** Prompt-cache tokens, writes by TTL. @default 0 */
  cacheWrite5mTokens?: number;
  cacheWrite1hTokens?: number;
  cacheReadTokens?: number;
  /** US dollars the upstream call cost; 0 when served from the cache. @default 0 */
  costUsd?: number;
  /** US dollars an answer from the cache would have cost upstream. @default 0 */
  savedUsd?: number;
  createdAt: Date;
}

export interface RequestLog {
  /** Queues a row; returns at once (the write happens after the answer, batched). */
  write(row: GatewayRequestRow): void;
  /**
   * Whether a row with a cost was logged for `path` in the team (queued rows written first): a
   * Message Batch's results are metered on their first full read only.
   */
  metered(teamId: string, path: string): Promise<boolean>;
  /** Writes what is queued (the log page calls it so an admin sees the latest calls). */
  flush(): Promise<void>;
  /** Flushes and stops; the runtime calls it on shutdown. */
  close(): Promise<void>;
  stats(): BatchWriterStats;
}

export interface RequestLogOptions {
  /** The database: raw SQL for the batched inserts, Prisma for the rest. */
  db: Pick<Database, "prisma" | "query">;
  log: Logger;
  /** Overrides the database insert (tests of the writer's isolation). */
  insert?: (rows: GatewayRequestRow[]) => Promise<void>;
  /** @default 200 */
  flushMs?: number;
  /** @default 100 */
  maxBatch?: number;
  /** @default 20_000 */
  maxBuffer?: number;
  /** @default 5_000 */
  retryMs?: number;
}

/**
 * Text as the log stores it: a client controls `model`, and Postgres text cannot hold NUL, so a
 * NUL becomes U+FFFD (the row is kept rather than refused); long values are cut.
 */
export function logText(value: string | null | undefined, max = 200): string | null {
  if (value == null) return null;
  return value.replace(/\u0000/g, "\uFFFD").slice(0, max);
}

const INSERT_ROWS = `INSERT INTO "GatewayRequest"
    ("id", "teamId", "apiKeyId", "requestId", "method", "path", "model", "stream", "status",
     "cacheStatus", "errorType", "clientCredentials", "latencyMs", "inputTokens", "outputTokens",
     "cacheWrite5mTokens", "cacheWrite1hTokens", "cacheReadTokens", "costUsd", "savedUsd",
     "createdAt")
  SELECT id, t, k, rid, m, p, mo, s, st, cs, et, cc, lat, it, ot, w5, w1, cr, cost, saved,
    ${timestampFromMs("c")}
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
    $8::boolean[], $9::int[], $10::text[], $11::text[], $12::boolean[], $13::int[], $14::int[],
    $15::int[], $16::int[], $17::int[], $18::int[], $19::float8[], $20::float8[], $21::float8[])
    AS u(id, t, k, rid, m, p, mo, s, st, cs, et, cc, lat, it, ot, w5, w1, cr, cost, saved, c)`;

/**
 * One multi-row INSERT from column arrays, in raw SQL on the database's own pool (or PGlite):
 * at a thousand cached calls a second, Prisma's createMany spent more CPU preparing rows than the
 * answers themselves cost, and its `$executeRaw` still converted every array element.
 */
export function insertRequestRows(sql: SqlQuery) {
  return async (rows: GatewayRequestRow[]): Promise<void> => {
    const col = <T>(f: (r: GatewayRequestRow) => T) => rows.map(f);
    await sql(INSERT_ROWS, [
      col(() => randomUUID()),
      col((r) => r.teamId),
      col((r) => r.apiKeyId),
      col((r) => r.requestId ?? null),
      col((r) => r.method ?? "POST"),
      col((r) => r.path ?? "/v1/messages"),
      col((r) => r.model),
      col((r) => r.stream),
      col((r) => r.status),
      col((r) => r.cacheStatus ?? null),
      col((r) => r.errorType ?? null),
      col((r) => r.clientCredentials ?? false),
      col((r) => r.latencyMs),
      col((r) => r.inputTokens),
      col((r) => r.outputTokens),
      col((r) => r.cacheWrite5mTokens ?? 0),
      col((r) => r.cacheWrite1hTokens ?? 0),
      col((r) => r.cacheReadTokens ?? 0),
      col((r) => r.costUsd ?? 0),
      col((r) => r.savedUsd ?? 0),
      col((r) => r.createdAt.getTime()),
    ]);
  };
}

export { isRowRejection, sqlStateOf } from "@/lib/db/sql-state";

/**
 * The gateway's request log, owned by the runtime: rows queued by `write` are inserted in
 * batches (every ~200 ms, up to 100 rows per INSERT), a row the database refuses is isolated and
 * dropped without holding back the rows after it, and a database outage keeps rows until it ends
 * (bounded).
 */
export function createRequestLog(options: RequestLogOptions): RequestLog {
  const writer = createBatchWriter<GatewayRequestRow>({
    insert: options.insert ?? insertRequestRows(options.db.query),
    isRowError: isRowRejection,
    onDrop: (reason, error, count) =>
      options.log.warn(
        reason === "overflow"
          ? `request log: dropped ${count} unwritten row(s): the database has been unavailable`
          : `request log: dropped a row the database refused (${sqlStateOf(error) ?? "?"}): ${(error as Error)?.message ?? error}`,
      ),
    onStoreError: (error, pending) =>
      options.log.warn(
        `request log write failed, ${pending} row(s) kept for a retry: ${(error as Error)?.message ?? error}`,
      ),
    flushMs: options.flushMs,
    maxBatch: options.maxBatch,
    maxBuffer: options.maxBuffer,
    retryMs: options.retryMs,
  });
  return {
    write: (row) => writer.write({ ...row, model: logText(row.model) }),
    async metered(teamId, path) {
      await writer.flush();
      const row = await options.db.prisma.gatewayRequest.findFirst({
        where: { teamId, path, costUsd: { gt: 0 } },
        select: { id: true },
      });
      return row !== null;
    },
    flush: () => writer.flush(),
    close: () => writer.close(),
    stats: () => writer.stats(),
  };
}
