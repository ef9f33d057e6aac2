import "server-only";
import { isRowRejection, sqlStateOf } from "@/lib/db/sql-state";
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/db";
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
  prisma: PrismaClient;
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

/**
 * One multi-row INSERT from column arrays: at a thousand cached calls a second, Prisma's
 * createMany spent more CPU preparing rows than the answers themselves cost.
 */
export function insertRequestRows(prisma: PrismaClient) {
  return async (rows: GatewayRequestRow[]): Promise<void> => {
    const col = <T>(f: (r: GatewayRequestRow) => T) => rows.map(f);
    await prisma.$executeRaw`
      INSERT INTO "GatewayRequest"
        ("id", "teamId", "apiKeyId", "requestId", "method", "path", "model", "stream", "status",
         "cacheStatus", "errorType", "clientCredentials", "latencyMs", "inputTokens",
         "outputTokens", "cacheWrite5mTokens", "cacheWrite1hTokens", "cacheReadTokens",
         "costUsd", "savedUsd", "createdAt")
      SELECT * FROM unnest(
        ${col(() => randomUUID())}::text[], ${col((r) => r.teamId)}::text[],
        ${col((r) => r.apiKeyId)}::text[], ${col((r) => r.requestId ?? null)}::text[],
        ${col((r) => r.method ?? "POST")}::text[], ${col((r) => r.path ?? "/v1/messages")}::text[],
        ${col((r) => r.model)}::text[], ${col((r) => r.stream)}::boolean[],
        ${col((r) => r.status)}::int[], ${col((r) => r.cacheStatus ?? null)}::text[],
        ${col((r) => r.errorType ?? null)}::text[], ${col((r) => r.clientCredentials ?? false)}::boolean[],
        ${col((r) => r.latencyMs)}::int[], ${col((r) => r.inputTokens)}::int[],
        ${col((r) => r.outputTokens)}::int[], ${col((r) => r.cacheWrite5mTokens ?? 0)}::int[],
        ${col((r) => r.cacheWrite1hTokens ?? 0)}::int[], ${col((r) => r.cacheReadTokens ?? 0)}::int[],
        ${col((r) => r.costUsd ?? 0)}::float8[], ${col((r) => r.savedUsd ?? 0)}::float8[],
        ${col((r) => r.createdAt)}::timestamp(3)[]
      )`;
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
    insert: options.insert ?? insertRequestRows(options.prisma),
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
      const row = await options.prisma.gatewayRequest.findFirst({
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
