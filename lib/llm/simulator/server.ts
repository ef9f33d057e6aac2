import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { countInputTokens, requestHash } from "./answer";
import { DirectiveError, hasFault, withoutFaults, type SimDirectives } from "./directives";
import { Exchange } from "./exchange";
import { AttemptCounter, FaultQueue, type QueuedFault } from "./faults";
import { resolveOptions, type SimulatorOptions } from "./options";
import { InvalidRequest, directivesOf, validateRequest, type SimRequest } from "./request";
import { respond, type RespondContext } from "./respond";
import { emptyStats, resetStats, snapshotStats, type SimulatorStats } from "./stats";
import { errorBody } from "./wire";

/** A running simulator. */
export interface Simulator {
  /** Base URL for an Anthropic client, e.g. `http://127.0.0.1:4010` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** A snapshot of the counters. Also served as `GET /_sim/stats`. */
  stats(): SimulatorStats;
  /** Zeroes the counters, forgets fail-first attempts and queued faults. `POST /_sim/reset`. */
  reset(): void;
  /** Queues a fault for the next matching request(s). `POST /_sim/faults`. */
  queueFault(fault: QueuedFault): void;
  /** Stops listening and destroys open connections (hanging requests included). */
  close(): Promise<void>;
}

/** Control bodies are tiny; anything larger is a mistake. */
const MAX_CONTROL_BODY = 64 * 1024;

/**
 * Starts the Anthropic-protocol simulator: `POST /v1/messages` (JSON and SSE),
 * `POST /v1/messages/count_tokens`, and the `/_sim/*` control endpoints.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const opts = resolveOptions(options);
  // Mutated in place (never replaced) so that exchanges in flight across a reset stay consistent.
  const stats = emptyStats();
  const faults = new FaultQueue();
  const attempts = new AttemptCounter();
  // A per-start prefix keeps ids unique across restarts of a long-lived test server.
  const idPrefix = Date.now().toString(36);
  let sequence = 0;
  const nextId = (kind: string) => `${kind}_sim_${idPrefix}${(++sequence).toString(36)}`;
  const respondContext: RespondContext = {
    options: opts,
    stats,
    nextMessageId: () => nextId("msg"),
  };

  const handleMessages = (req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    const ex = new Exchange(req, res, nextId("req"), stats);
    readBody(req, opts.maxBodyBytes, (raw) => {
      if (ex.closed) return;
      const fail = (status: number, type: string, message: string) => {
        ex.outcome("http_error");
        ex.sendError(status, type, message);
      };
      if (raw === undefined) {
        return fail(
          413,
          "request_too_large",
          "Request exceeds the maximum allowed number of bytes",
        );
      }
      if (!hasCredentials(req)) {
        return fail(401, "authentication_error", "x-api-key header is required");
      }
      if (opts.requireVersionHeader && !req.headers["anthropic-version"]) {
        return fail(400, "invalid_request_error", "anthropic-version: header is required");
      }
      let request: SimRequest;
      let d: SimDirectives;
      try {
        request = validateRequest(JSON.parse(raw));
        d = { ...directivesOf(request), ...faults.take(request.model) };
      } catch (error) {
        if (error instanceof SyntaxError) {
          return fail(400, "invalid_request_error", "The request body is not valid JSON");
        }
        if (error instanceof InvalidRequest || error instanceof DirectiveError) {
          return fail(400, "invalid_request_error", error.message);
        }
        throw error;
      }
      if (request.stream === true) stats.streamed++;

      const hash = requestHash(request);
      if (d.failFirst !== undefined) {
        // "fail-first=2" alone means two overloaded answers, then success.
        if (!hasFault(d)) d.status = 529;
        if (attempts.next(hash) > d.failFirst) d = withoutFaults(d);
      }
      const latency = d.latencyMs ?? opts.latencyMs;
      const go = () => respond(ex, request, hash, d, respondContext);
      if (latency > 0) ex.after(latency, go);
      else go();
    });
  };

  const handleCountTokens = (req: IncomingMessage, res: ServerResponse) => {
    readBody(req, opts.maxBodyBytes, (raw) => {
      const send = (status: number, body: string) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(body);
      };
      if (!hasCredentials(req)) {
        return send(401, errorBody("authentication_error", "x-api-key header is required"));
      }
      try {
        const body = JSON.parse(raw ?? "") as { messages?: unknown };
        if (!Array.isArray(body.messages)) throw new InvalidRequest("messages: Field required");
        send(
          200,
          JSON.stringify({ input_tokens: countInputTokens({ ...body, messages: body.messages }) }),
        );
      } catch (error) {
        send(400, errorBody("invalid_request_error", (error as Error).message));
      }
    });
  };

  const handleControl = (path: string, req: IncomingMessage, res: ServerResponse) => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(text);
    };
    if (path === "/_sim/stats" && req.method === "GET") return send(200, snapshotStats(stats));
    if (path === "/_sim/faults" && req.method === "GET")
      return send(200, { faults: faults.list() });
    if (path === "/_sim/faults" && req.method === "DELETE") {
      faults.clear();
      return send(200, { faults: [] });
    }
    if (path === "/_sim/reset" && req.method === "POST") {
      sim.reset();
      return send(200, { reset: true });
    }
    if (path === "/_sim/faults" && req.method === "POST") {
      return readBody(req, MAX_CONTROL_BODY, (raw) => {
        try {
          const parsed: unknown = JSON.parse(raw ?? "");
          const list = Array.isArray(parsed)
            ? parsed
            : Array.isArray((parsed as { faults?: unknown }).faults)
              ? (parsed as { faults: unknown[] }).faults
              : [parsed];
          for (const item of list) {
            const fault = item as QueuedFault;
            if (typeof fault?.directive !== "string") {
              throw new InvalidRequest('each fault needs a "directive" string');
            }
          }
          for (const item of list) faults.add(item as QueuedFault);
          send(200, { queued: list.length, faults: faults.list() });
        } catch (error) {
          send(400, { error: (error as Error).message });
        }
      });
    }
    send(404, { error: `no control endpoint ${req.method} ${path}` });
  };

  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    if (path === "/v1/messages") {
      if (req.method === "POST") return handleMessages(req, res);
      res.writeHead(405, { "content-type": "application/json", allow: "POST" });
      return res.end(errorBody("invalid_request_error", `Method ${req.method} not allowed`));
    }
    if (path === "/v1/messages/count_tokens" && req.method === "POST") {
      return handleCountTokens(req, res);
    }
    if (path.startsWith("/_sim/")) return handleControl(path, req, res);
    res.writeHead(404, { "content-type": "application/json" });
    res.end(errorBody("not_found_error", `Not found: ${req.method} ${path}`));
  });
  // Long keep-alive so benchmarks reuse sockets; clients close idle ones well before this.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  server.on("connection", (socket) => {
    stats.connections++;
    stats.openConnections++;
    socket.once("close", () => {
      stats.openConnections--;
    });
  });
  // A client that sends garbage or resets mid-request must not take the server down.
  server.on("clientError", (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = opts.host.includes(":") ? `[${opts.host}]` : opts.host;

  const sim: Simulator = {
    url: `http://${urlHost}:${port}`,
    port,
    host: opts.host,
    stats: () => snapshotStats(stats),
    reset: () => {
      Object.assign(stats, resetStats(stats));
      faults.clear();
      attempts.clear();
    },
    queueFault: (fault) => faults.add(fault),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
  return sim;
}

function hasCredentials(req: IncomingMessage): boolean {
  const apiKey = req.headers["x-api-key"];
  if (typeof apiKey === "string" && apiKey.trim() !== "") return true;
  const auth = req.headers.authorization;
  return typeof auth === "string" && /^Bearer\s+\S/i.test(auth);
}

/** Reads a body as UTF-8; `undefined` when it exceeds `limit` (the rest is drained, not kept). */
function readBody(
  req: IncomingMessage,
  limit: number,
  done: (body: string | undefined) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  });
  req.once("end", () => {
    done(
      size > limit
        ? undefined
        : chunks.length === 1
          ? (chunks[0] as Buffer).toString("utf8")
          : Buffer.concat(chunks).toString("utf8"),
    );
  });
}
