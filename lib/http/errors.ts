import "server-only";
import { ZodError } from "zod";
import { DATABASE_RETRY_AFTER_MS, isDatabaseUnavailable } from "@/lib/db/unavailable";
import { AppError, fromZodError, isAppError } from "@/lib/errors";
import { logger } from "@/lib/log";

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string; details?: Record<string, unknown> };
}

/** Translates Prisma's known request errors into our vocabulary at the boundary. */
function fromPrismaError(error: unknown): AppError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !/^P\d{4}$/.test(code)) return undefined;
  if (code === "P2002") {
    const target = (error as { meta?: { target?: unknown } }).meta?.target;
    const field = Array.isArray(target)
      ? target.filter((t) => t !== "teamId").join(",")
      : undefined;
    return new AppError("conflict", `${field || "value"} already exists`, { field });
  }
  if (code === "P2025") return new AppError("not_found", "not found");
  // Postgres text and jsonb cannot hold NUL: an id, filter or field with "\u0000" in it reaches
  // the database as valid JSON and fails there (22021 / 22P05). That is the caller's input, not
  // our failure, so it is a 400 rather than a 500.
  const sqlState = (
    error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } }
  ).meta?.driverAdapterError?.cause?.originalCode;
  if (sqlState === "22021" || sqlState === "22P05") {
    return new AppError("bad_request", "text may not contain NUL (\\u0000) characters");
  }
  return undefined;
}

/** ioredis's failures of an unavailable Redis (the circuit, a timeout, a lost connection). */
function isRedisUnavailable(error: unknown): boolean {
  const e = error as { name?: unknown; message?: unknown } | null;
  return (
    e?.name === "RedisUnavailableError" ||
    e?.name === "MaxRetriesPerRequestError" ||
    e?.message === "Command timed out" ||
    e?.message === "Connection is closed."
  );
}

/** Any thrown value → an AppError. Unknown errors become a bare "internal" with no internals. */
export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  if (error instanceof ZodError) return fromZodError(error);
  // An outage is not a bug: 503 with retry-after, which clients (and the Anthropic SDKs) retry.
  if (isDatabaseUnavailable(error)) {
    return new AppError("unavailable", "the database is unavailable; retry shortly", {
      retryAfterMs: DATABASE_RETRY_AFTER_MS,
      cause: error,
    });
  }
  // Redis failing fast (its circuit open) or timing out: also an outage, not a bug.
  if (isRedisUnavailable(error)) {
    return new AppError("unavailable", "a backing store is unavailable; retry shortly", {
      retryAfterMs: 1_000,
      cause: error,
    });
  }
  return fromPrismaError(error) ?? new AppError("internal", "internal error", { cause: error });
}

export function errorResponse(error: unknown, headers?: HeadersInit): Response {
  const appError = toAppError(error);
  if (appError.code === "unavailable") {
    // One line per refused request during an outage, without a stack: the cause is known.
    const cause = appError.cause as { name?: unknown; code?: unknown } | undefined;
    logger.child("http").warn(appError.message, { error: cause?.name, errorCode: cause?.code });
  } else if (appError.status >= 500) {
    logger
      .child("http")
      .error(appError.code === "internal" ? "unhandled error" : appError.message, {
        code: appError.code,
        cause:
          appError.cause instanceof Error ? appError.cause.stack : String(appError.cause ?? ""),
      });
  }
  const body: ErrorBody = {
    error: {
      code: appError.code,
      // 5xx bodies never carry internals: the code says what class of failure it was.
      message: appError.code === "internal" ? "internal error" : appError.message,
      ...(appError.field ? { field: appError.field } : {}),
      ...(appError.details && appError.status < 500 ? { details: appError.details } : {}),
    },
  };
  const responseHeaders = new Headers(headers);
  if (appError.retryAfterMs !== undefined) {
    responseHeaders.set(
      "retry-after",
      String(Math.max(1, Math.ceil(appError.retryAfterMs / 1000))),
    );
  }
  return Response.json(body, { status: appError.status, headers: responseHeaders });
}
