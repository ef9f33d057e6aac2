import "server-only";
import { AppError } from "@/lib/errors";
import type { UpstreamKeys } from "@/lib/llm/upstream-keys";
import { BatchUsageScan, isBatchResultsPath } from "./batch-results";
import type { CallSpend } from "./call-spend";
import { clientResponseHeaders, upstreamRequestHeaders, upstreamUrl } from "./forward-headers";
import type { GatewayExchange } from "./gateway-exchange";
import { upstreamFetch } from "./upstream-fetch";

/** Where the gateway's upstream is, and the server's own keys for it. */
export interface UpstreamTarget {
  baseURL: string;
  /** The server's keys; the client's own credential replaces them in x-ensemble-key mode. Never logged. */
  keys: Pick<UpstreamKeys, "primary" | "refuse">;
}

const BODYLESS = new Set(["GET", "HEAD"]);

/**
 * An admitted request passed to the upstream verbatim — method, path, query string, `anthropic-*`
 * headers, body bytes streamed as they arrive — and the upstream's answer passed back the same
 * way: status, the headers that matter, body streamed. Uncached; for Message Batches, Files and
 * whatever else the API adds under /v1.
 *
 * Two answers are the gateway's own: the upstream unreachable (502 api_error), and the upstream
 * refusing the *server's* key (502 api_error saying so — the client's key was fine).
 */
export async function proxyToUpstream(
  exchange: GatewayExchange,
  request: Request,
  target: UpstreamTarget,
): Promise<Response> {
  const identity = exchange.identity;
  if (!identity) throw new Error("proxyToUpstream needs an admitted exchange");
  const search = new URL(request.url).search;
  // Always the first usable key: Files and Message Batches belong to the key's workspace, so a
  // later call about them must use the key that made them.
  const serverKey = identity.upstreamAuth.kind === "server" ? target.keys.primary() : "";
  let upstream: Response;
  try {
    upstream = await upstreamFetch(upstreamUrl(target.baseURL, exchange.path, search), {
      method: request.method,
      headers: upstreamRequestHeaders(request.headers, identity.upstreamAuth, serverKey),
      body: BODYLESS.has(request.method) ? undefined : request.body,
      redirect: "manual",
      signal: request.signal,
      // @ts-expect-error Node's fetch needs duplex to stream a request body
      duplex: "half",
    });
  } catch (error) {
    if (request.signal.aborted) throw new AppError("cancelled", "The client went away");
    throw new AppError("upstream_connection", "Could not reach the Anthropic API", {
      cause: error,
    });
  }
  if (
    (upstream.status === 401 || upstream.status === 403) &&
    identity.upstreamAuth.kind === "server"
  ) {
    await upstream.body?.cancel();
    if (upstream.status === 401) target.keys.refuse(serverKey);
    throw new AppError("upstream_auth", `upstream ${upstream.status}`, {
      details: { upstreamStatus: upstream.status },
    });
  }
  const headers = clientResponseHeaders(upstream.headers, new Headers(exchange.limitHeaders));
  const requestId = upstream.headers.get("request-id");
  const outcome = {
    requestId: requestId ?? exchange.requestId,
    errorType: upstream.status >= 400 ? upstreamErrorType(upstream.status) : null,
  };
  if (!requestId) headers.set("request-id", exchange.requestId);
  const metering =
    upstream.status === 200 &&
    upstream.body !== null &&
    isBatchResultsPath(exchange.path) &&
    // The database unreachable: pass the results through unmetered rather than fail them.
    !(await exchange.alreadyMetered().catch(() => true));
  if (!metering || !upstream.body) {
    exchange.log(upstream.status, outcome);
    return new Response(upstream.body, { status: upstream.status, headers });
  }
  const body = meteredBatchResults(upstream.body, (spend) =>
    exchange.log(upstream.status, { ...outcome, ...spend }),
  );
  return new Response(body, { status: upstream.status, headers });
}

/**
 * A batch's results passed through as they come, their usage read on the way: the row is
 * logged with the batch's cost once the last line went out. A read cut short (the client left)
 * logs no cost, so the next full read meters it.
 */
function meteredBatchResults(
  source: ReadableStream<Uint8Array>,
  log: (spend: Partial<CallSpend & { model: string | null }>) => void,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const scan = new BatchUsageScan();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (error) {
        log({});
        controller.error(error);
        return;
      }
      if (next.done) {
        scan.end();
        log(scan.spend() ?? {});
        controller.close();
        return;
      }
      scan.push(next.value);
      controller.enqueue(next.value);
    },
    async cancel(reason) {
      log({});
      await reader.cancel(reason);
    },
  });
}

/** The API's error type for a status, for the log (the body itself streams through unread). */
function upstreamErrorType(status: number): string {
  const types: Record<number, string> = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    504: "timeout_error",
    529: "overloaded_error",
  };
  return types[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}
