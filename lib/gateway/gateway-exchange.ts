import "server-only";
import { AppError } from "@/lib/errors";
import { type RequestScope, currentRequestScope } from "@/lib/http/observe-request";
import { logger } from "@/lib/log";
import { addLogContext } from "@/lib/log-context";
import { mappedErrorResponse, toAnthropicError } from "./anthropic-errors";
import type { GatewayAuthenticator, GatewayIdentity, HeaderReader } from "./gateway-auth";
import { newRequestId } from "./request-id";
import type { GatewayRequestRow, RequestLog } from "./request-log";

/** What a gateway request needs from the process: the runtime's auth and log, and a limiter. */
export interface GatewayServices {
  gatewayAuth: GatewayAuthenticator;
  requestLog: RequestLog;
  /** Counts one request against the key's limit: headers to send, and the error when over. */
  rateLimit(identity: string): Promise<{ headers: Headers; error?: AppError }>;
}

/** The outcome fields a log row takes beyond what the exchange knows itself. */
export type LogOutcome = Partial<
  Pick<
    GatewayRequestRow,
    | "cacheStatus"
    | "errorType"
    | "inputTokens"
    | "outputTokens"
    | "cacheWrite5mTokens"
    | "cacheWrite1hTokens"
    | "cacheReadTokens"
    | "costUsd"
    | "savedUsd"
    | "model"
    | "stream"
    | "requestId"
  >
>;

/**
 * One request to /api/anthropic from arrival to log row: authenticates and rate-limits it
 * (`admit`), answers refusals in the API's envelope with this exchange's own `request-id`
 * (`fail`), and writes exactly one row to the request log (`log`), refused requests included.
 * A request refused before its team is known (no key, an unknown key) cannot go in a team's
 * log: it gets a server log line instead.
 */
export class GatewayExchange {
  /** The request being served: the exchange ends it (access log, metrics) at its last byte. */
  private readonly scope: RequestScope | undefined = currentRequestScope();
  /**
   * The id of an answer the gateway produces itself (upstream answers keep their own): the
   * request's own id, so the client's `request-id` finds the server's log lines.
   */
  readonly requestId = this.scope?.context.requestId ?? newRequestId();
  readonly started = performance.now();
  identity?: GatewayIdentity;
  /** Rate-limit headers every answer carries. */
  limitHeaders = new Headers();
  /** Set once the body is parsed, for the log. */
  model: string | null = null;
  stream = false;
  private logged = false;

  constructor(
    private readonly services: GatewayServices,
    readonly method: string,
    /** The API path after /api/anthropic (e.g. /v1/models), without the query string. */
    readonly path: string,
    readonly headers: HeaderReader,
  ) {
    if (this.scope) this.scope.deferred = true;
  }

  /** Authenticates and counts the request; throws AppError (401/403/400/429). */
  async admit(): Promise<GatewayIdentity> {
    const identity = await this.services.gatewayAuth.authenticate(this.headers);
    this.identity = identity;
    addLogContext({ teamId: identity.teamId, keyId: identity.apiKeyId });
    if (this.scope)
      Object.assign(this.scope.context, { teamId: identity.teamId, keyId: identity.apiKeyId });
    const limited = await this.services.rateLimit(`key:${identity.apiKeyId}`);
    this.limitHeaders = limited.headers;
    if (limited.error) throw limited.error;
    return identity;
  }

  /** Whether this path already has a metered row in the caller's team (see RequestLog.metered). */
  alreadyMetered(): Promise<boolean> {
    if (!this.identity) return Promise.resolve(false);
    return this.services.requestLog.metered(this.identity.teamId, this.path);
  }

  /** Writes this request's row (once; later calls are ignored). */
  log(status: number, outcome: LogOutcome = {}): void {
    if (this.logged) return;
    this.logged = true;
    this.scope?.finish(status);
    const latencyMs = Math.round(performance.now() - this.started);
    if (!this.identity) {
      // A failed authentication is worth an operator's attention; an unknown path is noise.
      const log = logger.child("gateway");
      (status === 401 ? log.warn : log.debug).call(
        log,
        `${this.method} ${this.path} → ${status} ${outcome.errorType ?? ""} (${this.requestId}; no team, so not in a request log)`,
      );
      return;
    }
    this.services.requestLog.write({
      teamId: this.identity.teamId,
      apiKeyId: this.identity.apiKeyId,
      requestId: this.requestId,
      method: this.method,
      path: this.path,
      model: this.model,
      stream: this.stream,
      status,
      clientCredentials: this.identity.upstreamAuth.kind === "client",
      latencyMs,
      inputTokens: 0,
      outputTokens: 0,
      createdAt: new Date(),
      ...outcome,
    });
  }

  /** The API's error answer for `error`, logged with its status and error type. */
  fail(error: unknown): Response {
    const mapped = toAnthropicError(withCredentialKind(error, this.identity), this.requestId);
    this.log(mapped.status, { errorType: mapped.body.error.type });
    return mappedErrorResponse(mapped, this.limitHeaders);
  }
}

/** Marks an upstream auth failure as the client's own when it was their credential. */
function withCredentialKind(error: unknown, identity: GatewayIdentity | undefined): unknown {
  if (
    identity?.upstreamAuth.kind !== "client" ||
    !(error instanceof AppError) ||
    error.code !== "upstream_auth"
  ) {
    return error;
  }
  return new AppError(error.code, error.message, {
    status: error.status,
    details: { ...error.details, clientCredentials: true },
    retryAfterMs: error.retryAfterMs,
    cause: error.cause,
  });
}
