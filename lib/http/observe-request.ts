import "server-only";
import { newRequestId } from "@/lib/gateway/request-id";
import { logger } from "@/lib/log";
import { type LogContext, currentLogContext, withLogContext } from "@/lib/log-context";
import type { Metrics } from "@/lib/metrics/registry";
import { getMetrics } from "@/lib/runtime";
import {
  type Span,
  SpanKind,
  failSpan,
  incomingContext,
  startSpanIn,
  withSpan,
} from "@/lib/tracing";

/** One HTTP request being served: what its access-log line and metrics need at the end. */
export interface RequestScope {
  method: string;
  route: string;
  started: number;
  context: LogContext;
  /** Records the request once (metrics, access log); later calls are ignored. */
  finish(status: number): void;
  /** Set by a handler that finishes the request itself, at its last byte (the gateway). */
  deferred: boolean;
  /** The request's server span, a child of the caller's `traceparent` when it sent one. */
  span: Span;
}

const access = logger.child("access");
const scopes = new WeakMap<LogContext, RequestScope>();

/** The request this code is serving, if any (the gateway's exchange finishes it itself). */
export function currentRequestScope(): RequestScope | undefined {
  const context = currentLogContext();
  return context && scopes.get(context);
}

/**
 * Serves one request inside its own scope: a request id on every log line of its work, and,
 * when it ends, one access-log line and the HTTP metrics by route pattern (never the path with
 * its ids). A scope opened by an outer layer (the gateway front) is reused, not doubled.
 */
export async function observeRequest(
  request: Request,
  route: string,
  serve: () => Promise<Response>,
): Promise<Response> {
  const outer = currentRequestScope();
  if (outer) {
    outer.route = route;
    return finishing(outer, serve);
  }
  const scope = openScope(request.method, route, request.headers);
  return runInScope(scope, () => finishing(scope, serve));
}

async function finishing(scope: RequestScope, serve: () => Promise<Response>): Promise<Response> {
  let status = 500;
  try {
    const response = await serve();
    status = response.status;
    return response;
  } finally {
    if (!scope.deferred) scope.finish(status);
  }
}

/** A scope for one request; the gateway front opens it around the whole exchange. */
export function openScope(
  method: string,
  route: string,
  headers: Parameters<typeof incomingContext>[0],
): RequestScope {
  let done = false;
  const requestId = newRequestId();
  const span = startSpanIn(
    incomingContext(headers),
    `${method} ${route}`,
    { "http.request.method": method, "http.route": route, "ensemble.request_id": requestId },
    SpanKind.SERVER,
  );
  const scope: RequestScope = {
    method,
    route,
    started: performance.now(),
    context: { requestId },
    deferred: false,
    span,
    finish(status) {
      if (done) return;
      done = true;
      span.updateName(`${method} ${scope.route}`);
      span.setAttributes({ "http.route": scope.route, "http.response.status_code": status });
      if (status >= 500) failSpan(span, new Error(`HTTP ${status}`));
      span.end();
      const ms = performance.now() - scope.started;
      void getMetrics()
        .then((metrics) => record(metrics, scope, status, ms))
        .catch(() => {});
      const { requestId, teamId, keyId, upstreamRequestId } = scope.context;
      access.info(`${method} ${scope.route} ${status} ${Math.round(ms)}ms`, {
        requestId,
        method,
        route: scope.route,
        status,
        latencyMs: Math.round(ms),
        ...(teamId ? { teamId } : {}),
        ...(keyId ? { keyId } : {}),
        ...(upstreamRequestId ? { upstreamRequestId } : {}),
      });
    },
  };
  return scope;
}

/** Runs `fn` inside `scope` (the gateway front: the whole exchange, body included). */
export function runInScope<T>(scope: RequestScope, fn: () => T): T {
  return withLogContext(scope.context, () => {
    scope.context = currentLogContext()!;
    scopes.set(scope.context, scope);
    return withSpan(scope.span, fn);
  });
}

function record(metrics: Metrics, scope: RequestScope, status: number, ms: number): void {
  const labels = { route: scope.route, method: scope.method };
  metrics.httpRequests.inc({ ...labels, status: String(status) });
  metrics.httpLatency.observe(labels, ms / 1000);
}

/**
 * The route's pattern, from the path and Next's params: `/api/runs/abc/events` with
 * `{id:"abc"}` → `/api/runs/[id]/events`. Bounded: only the app's own routes reach a wrapper.
 */
export function routePattern(pathname: string, params: Record<string, unknown>): string {
  const names = new Map<string, string>();
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === "string") names.set(value, `[${name}]`);
  }
  return pathname
    .split("/")
    .map((segment) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // Not percent-encoded text: compared as it is.
      }
      return names.get(decoded) ?? segment;
    })
    .join("/");
}
