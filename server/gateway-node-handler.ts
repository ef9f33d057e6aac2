import "server-only";
import { once } from "node:events";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import * as catchAll from "@/app/api/anthropic/[[...path]]/route";
import { anthropicErrorResponse } from "@/lib/gateway/anthropic-errors";
import { type GatewayReply, replyOf } from "@/lib/gateway/gateway-reply";
import { apiPathOf, gatewayRoute, methodNotAllowed } from "@/lib/gateway/handle-api-path";
import { messagesReply } from "@/lib/gateway/messages-endpoint";
import { openScope, runInScope } from "@/lib/http/observe-request";
import { exposeToFrontServer } from "@/lib/runtime";
import { attachGracefulShutdown } from "./graceful-shutdown";

type Handler = (
  request: Request,
  context: { params: Promise<Record<string, string>> },
) => Promise<Response>;
type RouteModule = Partial<Record<string, Handler | unknown>>;

/**
 * The Messages endpoints (app/api/anthropic/v1/messages/**), served through the same function
 * their route files call, without a fetch Request or Response in between; every other
 * /api/anthropic path goes to the catch-all route module. (A new gateway route file needs a line
 * here.)
 */
const MESSAGES: Record<string, "messages" | "count_tokens"> = {
  "/api/anthropic/v1/messages": "messages",
  "/api/anthropic/v1/messages/count_tokens": "count_tokens",
};

const BODYLESS = new Set(["GET", "HEAD"]);

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

function urlOf(req: IncomingMessage): string {
  return `http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`;
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const method = req.method ?? "GET";
  return new Request(urlOf(req), {
    method,
    headers: headersOf(req),
    body: BODYLESS.has(method) ? undefined : (Readable.toWeb(req) as ReadableStream<Uint8Array>),
    signal,
    // @ts-expect-error Node's fetch needs duplex for a streamed body
    duplex: "half",
  });
}

/** A web stream's pieces; `return` cancels it at once, even while a read is pending. */
function readerOf(stream: ReadableStream<Uint8Array>): AsyncIterator<Uint8Array> {
  const reader = stream.getReader();
  return {
    next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
    return: async () => {
      await reader.cancel();
      return { done: true, value: undefined };
    },
  };
}

/**
 * Writes a reply to Node's response: a whole text in one write with its content-length (one
 * syscall for head and body, not a chunked body and its terminator), pieces as they come with
 * backpressure. The client going away stops the pieces.
 */
async function send(req: IncomingMessage, res: ServerResponse, reply: GatewayReply): Promise<void> {
  res.statusCode = reply.status;
  reply.headers.forEach((value, name) => {
    if (name !== "set-cookie") res.setHeader(name, value);
  });
  const cookies = reply.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  const { body } = reply;
  if (typeof body === "string") {
    res.setHeader("content-length", Buffer.byteLength(body));
    res.end(req.method === "HEAD" ? undefined : body);
    return;
  }
  const pieces =
    body === null
      ? null
      : body instanceof ReadableStream
        ? readerOf(body)
        : body[Symbol.asyncIterator]();
  if (!pieces || req.method === "HEAD") {
    await pieces?.return?.();
    res.end();
    return;
  }
  res.once("close", () => void pieces.return?.()?.catch(() => {}));
  for (;;) {
    const next = await pieces.next().catch(() => ({ done: true as const, value: undefined }));
    if (next.done || res.destroyed) break;
    if (!res.write(next.value)) await once(res, "drain").catch(() => {});
  }
  res.end();
}

/**
 * Serves one /api/anthropic request straight from Node's http server, through the same handlers
 * Next would call (and so the same runtime), without Next's per-request machinery — which
 * measured as the gateway's ceiling (see README, "Serving"). Route handlers served here must not
 * use Next's request-scoped APIs (`headers()`, `cookies()`, `after()`).
 */
export function serveGateway(req: IncomingMessage, res: ServerResponse): Promise<void> {
  // One scope for the whole exchange, body included: every log line of it carries its request id.
  let route = gatewayRoute("/*");
  try {
    route = gatewayRoute(apiPathOf(`http://localhost${req.url ?? "/"}`));
  } catch {
    // A path URL cannot parse is labelled as any other unknown path.
  }
  const scope = openScope(req.method ?? "GET", route, req.headers);
  return runInScope(scope, () => serve(req, res));
}

async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  try {
    const pathname = (req.url ?? "/").split("?", 1)[0]!;
    const method = req.method ?? "GET";
    const endpoint = MESSAGES[pathname];
    if (endpoint && method === "POST") {
      const request = {
        method,
        url: urlOf(req),
        headers: headersOf(req),
        signal: controller.signal,
        body: req,
      };
      return await send(req, res, await messagesReply(request, endpoint));
    }
    const request = toRequest(req, controller.signal);
    if (endpoint) return await send(req, res, replyOf(methodNotAllowed(request, ["POST"])));
    const handler = (catchAll as RouteModule)[method] as Handler | undefined;
    const response = handler
      ? await handler(request, { params: Promise.resolve({}) })
      : methodNotAllowed(request, routeMethods(catchAll));
    await send(req, res, replyOf(response));
  } catch (error) {
    if (res.headersSent) return void res.destroy();
    await send(req, res, replyOf(anthropicErrorResponse(error)));
  }
}

function routeMethods(routeModule: RouteModule): string[] {
  return Object.keys(routeModule).filter((name) => /^[A-Z]+$/.test(name));
}

const attached = new WeakSet<Server>();

/** Attaches the graceful shutdown to server.mjs's server, once. */
function attachOnce(server: Server): void {
  if (attached.has(server)) return;
  attached.add(server);
  attachGracefulShutdown(server);
}

/** Called at boot (instrumentation): makes the handler and the shutdown hook visible to server.mjs. */
export function registerGatewayNodeHandler(): void {
  exposeToFrontServer(serveGateway, attachOnce);
}
