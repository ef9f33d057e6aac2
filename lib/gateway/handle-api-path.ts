import "server-only";
import { AppError } from "@/lib/errors";
import { currentRequestScope } from "@/lib/http/observe-request";
import { GatewayExchange, type GatewayServices } from "./gateway-exchange";
import { newRequestId } from "./request-id";
import { handleModels } from "./models";
import { type UpstreamTarget, proxyToUpstream } from "./proxy-upstream";

/** Where /api/anthropic is mounted; everything after it is the API path. */
export const GATEWAY_BASE_PATH = "/api/anthropic";

export interface ApiPathDeps {
  services: GatewayServices;
  target: UpstreamTarget & { isSimulator: boolean };
}

/** The API path of a request URL: `/api/anthropic/v1/files?x` → `/v1/files` (encoding kept). */
export function apiPathOf(url: string): string {
  const { pathname } = new URL(url);
  return pathname.startsWith(GATEWAY_BASE_PATH)
    ? pathname.slice(GATEWAY_BASE_PATH.length)
    : pathname;
}

/**
 * The route label of an API path in metrics and access logs: the gateway's own routes by name,
 * every other path by its family, so a client's paths (file ids, typos) cannot grow the label set.
 */
export function gatewayRoute(path: string): string {
  if (path === "" || path === "/") return GATEWAY_BASE_PATH;
  if (path === "/v1/messages" || path === "/v1/messages/count_tokens" || path === "/v1/models")
    return GATEWAY_BASE_PATH + path;
  if (/^\/v1\/models\/[^/]+$/.test(path)) return `${GATEWAY_BASE_PATH}/v1/models/[id]`;
  return `${GATEWAY_BASE_PATH}${path.startsWith("/v1/") ? "/v1/*" : "/*"}`;
}

/** 405 in the API's envelope, with `allow`. */
export function methodNotAllowed(request: Request, allow: string[]): Response {
  const exchange = new GatewayExchange(
    noServices,
    request.method,
    apiPathOf(request.url),
    request.headers,
  );
  const response = exchange.fail(
    new AppError(
      "bad_request",
      `Method ${request.method} is not allowed on ${exchange.path || "/"}`,
      {
        status: 405,
      },
    ),
  );
  response.headers.set("allow", allow.join(", "));
  return response;
}

/** Refusals before authentication touch no service; the exchange only needs these shapes. */
const noServices: GatewayServices = {
  gatewayAuth: {
    authenticate: () => Promise.reject(new Error("not used")),
    cachePolicy: async () => null,
    fallbackModels: async () => [],
    forgetTeam: () => {},
  },
  requestLog: {
    write: () => {},
    metered: async () => false,
    flush: async () => {},
    close: async () => {},
    stats: () => ({ written: 0, dropped: 0, pending: 0 }),
  },
  rateLimit: () => Promise.reject(new Error("not used")),
};

/**
 * Every /api/anthropic path except the Messages routes (which have their own handlers):
 * - the base (`HEAD`/`GET`) answers 200, as the API's root does — Claude Code probes it first;
 * - `GET /v1/models`, `GET /v1/models/{id}`: the model list (handleModels);
 * - any other `/v1/*`, any method: authenticated, rate-limited, logged, proxied verbatim;
 * - anything else: 404 `not_found_error`; a wrong method: 405. Always JSON, never HTML.
 */
export async function handleApiPath(request: Request, deps: ApiPathDeps): Promise<Response> {
  const path = apiPathOf(request.url);
  const method = request.method;
  if (path === "" || path === "/") {
    if (method !== "GET" && method !== "HEAD") return methodNotAllowed(request, ["GET", "HEAD"]);
    return Response.json(
      {},
      {
        headers: {
          "request-id": currentRequestScope()?.context.requestId ?? newRequestId(),
        },
      },
    );
  }
  if (!path.startsWith("/v1/")) {
    return new GatewayExchange(noServices, method, path, request.headers).fail(
      new AppError("not_found", "Not Found"),
    );
  }
  const isModels = path === "/v1/models" || /^\/v1\/models\/[^/]+$/.test(path);
  if (isModels && method !== "GET" && method !== "HEAD") {
    return methodNotAllowed(request, ["GET", "HEAD"]);
  }
  const exchange = new GatewayExchange(deps.services, method, path, request.headers);
  try {
    await exchange.admit();
    return isModels
      ? await handleModels(exchange, request, deps.target)
      : await proxyToUpstream(exchange, request, deps.target);
  } catch (error) {
    return exchange.fail(error);
  }
}
