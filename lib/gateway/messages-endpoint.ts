import "server-only";
import { checkMessagesOutputLimit } from "@/lib/agents/output-limit";
import { BudgetTicket, estimateCallUsd } from "@/lib/budgets";
import { AppError } from "@/lib/errors";
import { isStorableText } from "@/lib/http/storable-text";
import { checkRateLimit } from "@/lib/http/rate-limit";
import type { CacheControl } from "@/lib/llm/types";
import { getGatewayServices } from "@/lib/runtime";
import { admitJsonRequest } from "./admit-json";
import { anthropicErrorResponse } from "./anthropic-errors";
import { upstreamRequestHeaders } from "./forward-headers";
import { withPolicy } from "./gateway-cache-policy";
import { GatewayExchange } from "./gateway-exchange";
import { type GatewayReply, type GatewayRequest, replyOf, toResponse } from "./gateway-reply";
import { handleMessages } from "./handle-messages";
import { DEFAULT_MAX_BODY_BYTES } from "./read-body";

const PATHS = { messages: "/v1/messages", count_tokens: "/v1/messages/count_tokens" } as const;

/** The Messages routes' handler (Next): messagesReply as a Response. */
export async function serveMessages(
  request: Request,
  endpoint: "messages" | "count_tokens",
): Promise<Response> {
  return toResponse(await messagesReply(request, endpoint));
}

/**
 * POST /v1/messages and /v1/messages/count_tokens: authenticate, rate-limit, read the body within
 * the API's 32 MB, check only what the cache key needs (`model`, `messages`), then forward the
 * bytes as sent. Every request, refused ones included, is logged once by its exchange.
 */
export async function messagesReply(
  request: GatewayRequest,
  endpoint: "messages" | "count_tokens",
): Promise<GatewayReply> {
  let exchange: GatewayExchange | undefined;
  let budget: BudgetTicket | undefined;
  try {
    const gateway = await getGatewayServices();
    const services = {
      gatewayAuth: gateway.gatewayAuth,
      requestLog: gateway.requestLog,
      rateLimit: (identity: string) => checkRateLimit("gateway", identity),
    };
    const path = PATHS[endpoint];
    exchange = new GatewayExchange(services, "POST", path, request.headers);
    const { identity, bytes, body } = await admitJsonRequest(
      exchange,
      request,
      DEFAULT_MAX_BODY_BYTES,
    );
    requireKeyFields(body);
    if (endpoint === "messages") checkMessagesOutputLimit(body);
    const log = exchange;
    // Budgets: reserved before an upstream call (a miss), settled at the cost the log records.
    if (endpoint === "messages") {
      const estimate = estimateCallUsd(body.model as string, bytes.length, body.max_tokens);
      budget = new BudgetTicket(gateway.budgets, identity, estimate);
    }
    const spend = budget;
    return await handleMessages({
      cache: gateway.cache,
      upstream: spend ? spend.around(gateway.upstream) : gateway.upstream,
      teamId: identity.teamId,
      endpoint,
      path: path + new URL(request.url).search,
      requestHeaders: request.headers,
      upstreamHeaders: upstreamRequestHeaders(request.headers, identity.upstreamAuth, null),
      clientCredentials: identity.upstreamAuth.kind === "client",
      bodyBytes: bytes,
      body,
      cacheControl: withPolicy(
        cacheControlOf(request.headers),
        await gateway.gatewayAuth.cachePolicy(identity),
      ),
      fallbackModels:
        endpoint === "messages" ? await gateway.gatewayAuth.fallbackModels(identity) : [],
      signal: request.signal,
      headers: exchange.limitHeaders,
      requestId: exchange.requestId,
      onDone: ({ status, ...outcome }) => {
        spend?.settle(outcome.costUsd);
        log.log(status, outcome);
      },
    });
  } catch (error) {
    budget?.settle(0);
    return replyOf(exchange ? exchange.fail(error) : anthropicErrorResponse(error));
  }
}

/** The two fields the cache key cannot do without; the upstream judges everything else. */
function requireKeyFields(body: Record<string, unknown>): void {
  if (body.model === undefined) throw new AppError("bad_request", "model: Field required");
  if (typeof body.model !== "string") {
    throw new AppError("bad_request", "model: Input should be a valid string");
  }
  if (body.model === "") {
    throw new AppError("bad_request", "model: String should have at least 1 character");
  }
  // The model names the cache row, its statistics and the log row: Postgres text must hold it.
  if (!isStorableText(body.model)) {
    throw new AppError(
      "bad_request",
      "model: text may not contain NUL (\\u0000) or unpaired surrogate characters",
    );
  }
  if (body.messages === undefined) throw new AppError("bad_request", "messages: Field required");
  if (!Array.isArray(body.messages)) {
    throw new AppError("bad_request", "messages: Input should be a valid list");
  }
}

const MODES: Record<string, CacheControl["mode"]> = {
  force: "default",
  default: undefined,
  refresh: "refresh",
  bypass: "bypass",
};

/** `x-ensemble-cache: force | refresh | bypass` and `x-ensemble-cache-ttl: <seconds>`. */
function cacheControlOf(headers: Headers): CacheControl {
  const mode = headers.get("x-ensemble-cache")?.trim().toLowerCase();
  if (mode !== undefined && !(mode in MODES)) {
    throw new AppError(
      "bad_request",
      "x-ensemble-cache: must be one of force, refresh, bypass, default",
    );
  }
  const ttl = headers.get("x-ensemble-cache-ttl");
  const ttlSeconds = ttl === null ? undefined : Number(ttl);
  if (ttlSeconds !== undefined && !(Number.isInteger(ttlSeconds) && ttlSeconds >= 60)) {
    throw new AppError("bad_request", "x-ensemble-cache-ttl: must be an integer of at least 60");
  }
  return { mode: mode === undefined ? undefined : MODES[mode], ttlSeconds };
}
