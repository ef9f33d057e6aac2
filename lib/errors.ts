import type { ZodError } from "zod";

/**
 * The closed set of error codes Ensemble speaks, and the HTTP status of each.
 * Every thrown error that reaches a route becomes one of these (see lib/http/errors.ts).
 */
export const ERROR_STATUS = {
  // Caller mistakes
  invalid_json: 400,
  bad_request: 400,
  validation_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  /** A team's, key's or agent's spending budget for the current day or month is used up. */
  budget_exceeded: 429,
  // Run and step outcomes
  cancelled: 499,
  deadline_exceeded: 504,
  circuit_open: 503,
  /** The server stopped (shutdown, crash) before the run or step finished. */
  interrupted: 503,
  // Upstream model provider outcomes (kept distinct so retries can classify them)
  upstream_rate_limited: 429,
  upstream_overloaded: 529,
  upstream_timeout: 504,
  upstream_connection: 502,
  upstream_invalid_request: 400,
  upstream_auth: 502,
  upstream_error: 502,
  stream_interrupted: 502,
  // Ours
  unavailable: 503,
  internal: 500,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface AppErrorOptions {
  /** The field (dotted path) a validation error is about. */
  field?: string;
  /** Extra, safe-to-show details (never secrets or internals). */
  details?: Record<string, unknown>;
  /** Overrides the code's default HTTP status (e.g. an upstream 500 vs 503). */
  status?: number;
  /** How long the caller should wait before retrying, when known. */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * Marks AppError instances. Next.js bundles instrumentation and each route separately, so the
 * runtime built at start-up throws AppErrors from another copy of this module than the route
 * that catches them: `instanceof` must check this brand, not the class identity.
 */
const BRAND = Symbol.for("ensemble.AppError");

/** The one error class of the application: a code from the closed set plus a human message. */
export class AppError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === "object" &&
      value !== null &&
      (value as Record<symbol, unknown>)[BRAND] === true
    );
  }

  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly status: number;
  readonly field?: string;
  readonly details?: Record<string, unknown>;
  readonly retryAfterMs?: number;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = options.status ?? ERROR_STATUS[code];
    this.field = options.field;
    this.details = options.details;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/**
 * The dotted field an issue is about. An unknown key in a strict object is reported by zod on the
 * object itself (path []), so name the first unknown key instead: the caller needs to know which
 * one to remove.
 */
function fieldOf(issue: ZodError["issues"][number]): string {
  const path =
    issue.code === "unrecognized_keys" && issue.keys[0] !== undefined
      ? [...issue.path, issue.keys[0]]
      : issue.path;
  return path.map(String).join(".");
}

/** Turns a zod failure into a validation error naming the first offending field. */
export function fromZodError(error: ZodError): AppError {
  const issue = error.issues[0];
  const field = (issue && fieldOf(issue)) || undefined;
  const message = issue ? `${field ? `${field}: ` : ""}${issue.message}` : "invalid request";
  return new AppError("validation_failed", message, {
    field,
    details: {
      issues: error.issues.slice(0, 10).map((i) => ({ field: fieldOf(i), message: i.message })),
    },
  });
}
