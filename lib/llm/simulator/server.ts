import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AttemptCounter, FaultQueue, type QueuedFault } from "./faults";
import { type LimitTable, RateLimits, parseLimitTable } from "./limits";
import { handleControl, resetSimState } from "./control-endpoint";
import { type SimState, handleCountTokens, handleMessages, sendError } from "./messages-endpoint";
import { handleModels } from "./models-endpoint";
import { resolveOptions, type SimulatorOptions } from "./options";
import { PromptCache } from "./prompt-cache";
import type { RespondContext } from "./respond";
import { emptyStats, snapshotStats, type SimulatorStats } from "./stats";

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
  /** Replaces the per-model rate limits (and refills their buckets). `POST /_sim/limits`. */
  setLimits(limits: LimitTable): void;
  /** Stops listening and destroys open connections (hanging requests included). */
  close(): Promise<void>;
}

/**
 * Starts the Anthropic-protocol simulator: `POST /v1/messages` (JSON and SSE),
 * `POST /v1/messages/count_tokens`, and the `/_sim/*` control endpoints.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const opts = resolveOptions(options);
  // A per-start prefix keeps ids unique across restarts of a long-lived test server.
  const idPrefix = Date.now().toString(36);
  let sequence = 0;
  const state: SimState = {
    options: opts,
    // Mutated in place (never replaced) so that exchanges in flight across a reset stay consistent.
    stats: emptyStats(),
    faults: new FaultQueue(),
    attempts: new AttemptCounter(),
    limits: new RateLimits(opts.limits, opts.now),
    promptCache: new PromptCache(opts.now),
    nextId: (kind) => `${kind}_sim_${idPrefix}${(++sequence).toString(36)}`,
  };
  const { stats, faults } = state;
  const respondContext: RespondContext = {
    options: opts,
    stats,
    nextMessageId: () => state.nextId("msg"),
    nextToolId: () => state.nextId("toolu"),
    settleOutput: (model, tokens) => state.limits.settle(model, tokens),
  };

  const server = createServer((req, res) => routeRequest(state, respondContext, req, res));
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
    reset: () => resetSimState(state),
    queueFault: (fault) => faults.add(fault),
    setLimits: (limits) => state.limits.set(parseLimitTable(limits)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
  return sim;
}

/** Routes one request to its endpoint; anything else gets the Anthropic 404 (or 405) envelope. */
function routeRequest(
  state: SimState,
  respondContext: RespondContext,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const only = (method: string, handle: () => void) => {
    if (req.method === method) return handle();
    sendError(state, res, 405, "invalid_request_error", `Method ${req.method} not allowed`, {
      allow: method,
    });
  };
  if (path === "/v1/messages") {
    return only("POST", () => handleMessages(state, respondContext, req, res));
  }
  if (path === "/v1/messages/count_tokens") {
    return only("POST", () => handleCountTokens(state, req, res));
  }
  if (path === "/v1/models" || /^\/v1\/models\/[^/]+$/.test(path)) {
    return only("GET", () => handleModels(state, path, req, res));
  }
  if (path.startsWith("/_sim/")) return handleControl(state, path, req, res);
  sendError(state, res, 404, "not_found_error", `Not found: ${req.method} ${path}`);
}
