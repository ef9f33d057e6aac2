/**
 * Telling "the database is not there" apart from "the query was wrong": the first is an outage
 * the caller should retry (503 with retry-after), the second a bug or bad input.
 */

/** Prisma's codes for a server it cannot reach, lost, timed out on, or a pool it waited on. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1011", "P1017", "P2024"]);

/** The driver adapter's error kinds for the same failures (Prisma 7 driver adapters). */
const ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);

/** Node's socket error codes: the connection could not be made or was cut. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH"]);

/**
 * What node-postgres and Prisma say when a connection dies without a code (pg's "Connection
 * terminated unexpectedly", pg-pool's connect timeout, Prisma's own wording of P1001/P1017).
 */
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Can't reach database server|Server has closed the connection|Connection ended unexpectedly/i;

/**
 * SQLSTATE classes of an unavailable server: 08 (connection exception), 57P01–57P03 (the server
 * is shutting down, crashed or starting), 53300 (too many connections).
 */
function isUnavailableState(state: unknown): boolean {
  if (typeof state !== "string") return false;
  return state.startsWith("08") || /^57P0[1-3]$/.test(state) || state === "53300";
}

interface Shape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: {
    driverAdapterError?: { cause?: { kind?: unknown; code?: unknown; originalCode?: unknown } };
  };
}

function isUnavailableOne(e: Shape): boolean {
  if (e.name === "PrismaClientInitializationError") return true;
  if (typeof e.code === "string" && (PRISMA_CODES.has(e.code) || SOCKET_CODES.has(e.code))) {
    return true;
  }
  if (isUnavailableState(e.code)) return true;
  const adapter = e.meta?.driverAdapterError?.cause;
  if (adapter && ADAPTER_KINDS.has(adapter.kind as string)) return true;
  if (adapter && (isUnavailableState(adapter.originalCode) || isUnavailableState(adapter.code))) {
    return true;
  }
  // The adapter's own error (before Prisma wraps it) carries the kind on its cause.
  const kind = (e.cause as { kind?: unknown } | undefined)?.kind;
  if (typeof kind === "string" && ADAPTER_KINDS.has(kind)) return true;
  return typeof e.message === "string" && MESSAGES.test(e.message);
}

/** True when the error (or one of its causes) says the database server is unavailable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  // A few levels of `cause` are enough (Prisma → adapter → pg); a cycle must not loop forever.
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    if (isUnavailableOne(current as Shape)) return true;
    current = (current as Shape).cause;
  }
  return false;
}

/** How long a caller is told to wait before retrying during a database outage. */
export const DATABASE_RETRY_AFTER_MS = 5_000;
