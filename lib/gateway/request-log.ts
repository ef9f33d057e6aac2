import "server-only";
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@/lib/db";
import { logger } from "@/lib/log";

export interface GatewayRequestRow {
  teamId: string;
  apiKeyId: string | null;
  model: string;
  stream: boolean;
  status: number;
  cacheStatus?: string;
  errorType?: string;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  createdAt: Date;
}

const FLUSH_MS = 200;
const MAX_BATCH = 500;
/** Past this many unwritten rows (a database outage), the oldest are dropped, and that is logged. */
const MAX_BUFFER = 20_000;

const globalForLog = globalThis as unknown as {
  ensembleGatewayLog?: { rows: GatewayRequestRow[]; timer?: NodeJS.Timeout; prisma?: PrismaClient };
};

/**
 * The gateway's request log, written in batches: one INSERT per ~200 ms instead of one per call,
 * which kept the database off the hot path of every cached answer. The log trails by that much.
 */
export function logGatewayRequest(prisma: PrismaClient, row: GatewayRequestRow): void {
  const state = (globalForLog.ensembleGatewayLog ??= { rows: [] });
  state.prisma = prisma;
  state.rows.push(row);
  if (state.rows.length > MAX_BUFFER) {
    const dropped = state.rows.splice(0, state.rows.length - MAX_BUFFER).length;
    logger.child("gateway").warn(`request log: dropped ${dropped} unwritten rows`);
  }
  if (state.rows.length >= MAX_BATCH) void flushGatewayLog();
  else if (!state.timer) {
    state.timer = setTimeout(() => void flushGatewayLog(), FLUSH_MS);
    state.timer.unref?.();
  }
}

/**
 * One multi-row INSERT from column arrays: at a thousand cached calls a second, Prisma's createMany
 * spent more CPU preparing rows than the answers themselves cost.
 */
async function insertRows(prisma: PrismaClient, rows: GatewayRequestRow[]): Promise<void> {
  const col = <T>(f: (r: GatewayRequestRow) => T) => rows.map(f);
  await prisma.$executeRaw`
    INSERT INTO "GatewayRequest"
      ("id", "teamId", "apiKeyId", "model", "stream", "status", "cacheStatus", "errorType",
       "latencyMs", "inputTokens", "outputTokens", "createdAt")
    SELECT * FROM unnest(
      ${col(() => randomUUID())}::text[], ${col((r) => r.teamId)}::text[],
      ${col((r) => r.apiKeyId)}::text[], ${col((r) => r.model)}::text[],
      ${col((r) => r.stream)}::boolean[], ${col((r) => r.status)}::int[],
      ${col((r) => r.cacheStatus ?? null)}::text[], ${col((r) => r.errorType ?? null)}::text[],
      ${col((r) => r.latencyMs)}::int[], ${col((r) => r.inputTokens)}::int[],
      ${col((r) => r.outputTokens)}::int[], ${col((r) => r.createdAt)}::timestamp(3)[]
    )`;
}

export async function flushGatewayLog(): Promise<void> {
  const state = globalForLog.ensembleGatewayLog;
  if (!state?.prisma) return;
  clearTimeout(state.timer);
  state.timer = undefined;
  while (state.rows.length > 0) {
    const batch = state.rows.splice(0, MAX_BATCH);
    try {
      await insertRows(state.prisma, batch);
    } catch (error) {
      // Put them back for the next flush; the request itself has long been answered.
      state.rows.unshift(...batch);
      logger.child("gateway").warn(`request log write failed: ${(error as Error).message}`);
      state.timer ??= setTimeout(() => void flushGatewayLog(), 5_000);
      state.timer.unref?.();
      return;
    }
  }
}
