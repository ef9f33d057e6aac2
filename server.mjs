// The production server (`npm run serve`, `npm start`): one port, one process. Node's own http
// server answers the gateway's paths (/api/anthropic/*) through the handler the app registered at
// boot — the same route handlers and runtime Next uses — and hands every other request to Next.
// Measured on this repository's machine, Next's per-request machinery cost more than the whole
// gateway's budget (README, "Serving"). Listens on PORT (default 3000) and HOSTNAME (default
// 0.0.0.0), as `next start` does.
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import v8 from "node:v8";

process.env.NODE_ENV ??= "production";
// V8 lets the old generation grow to up to 4x its live size before a full collection: under
// gateway load (objects that live as long as an upstream call are promoted) this process grew by
// ~430 MB in 30 s around a ~105 MB live heap. Growth of 100 % (2x live) kept it to +149–219 MB;
// 50 % gave no less RSS but cost cache hits a third of their throughput (README, "Memory").
// 0 leaves V8's own heuristic.
const heapGrowingPercent = Number(process.env.HEAP_GROWING_PERCENT?.trim() || 100);
if (!Number.isInteger(heapGrowingPercent) || heapGrowingPercent < 0) {
  console.error(
    `HEAP_GROWING_PERCENT: must be a whole number of at least 0 (got "${process.env.HEAP_GROWING_PERCENT}")`,
  );
  process.exit(1);
}
if (heapGrowingPercent > 0) v8.setFlagsFromString(`--heap-growing-percent=${heapGrowingPercent}`);
const { default: next } = await import("next");

const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOSTNAME || "0.0.0.0";
const dir = path.dirname(fileURLToPath(import.meta.url));
const GATEWAY = "/api/anthropic";
const GATEWAY_NODE_HANDLER = Symbol.for("ensemble.gateway.nodeHandler");

const app = next({ dev: false, dir, hostname, port });
const handleWithNext = app.getRequestHandler();
// Runs instrumentation (boot: config, database, runtime) before the first request is accepted.
await app.prepare();

const isGatewayPath = (url = "/") =>
  url.startsWith(GATEWAY) && (url.length === GATEWAY.length || "/?".includes(url[GATEWAY.length]));

const server = http.createServer((req, res) => {
  const serveGateway = globalThis[GATEWAY_NODE_HANDLER];
  if (serveGateway && isGatewayPath(req.url)) return void serveGateway(req, res);
  void handleWithNext(req, res);
});
// Long streams (SSE) must not be cut by Node's default request timeout.
server.requestTimeout = 0;
server.keepAliveTimeout = 65_000;
// The app's graceful shutdown: on SIGTERM/SIGINT health answers 503, runs are handed back to
// the other processes (their leases released), requests in flight finish within SHUTDOWN_GRACE_MS, writers flush, and the process
// exits 0; a second signal exits at once. Boot (instrumentation) may finish before or after this
// line: the server is published here, and whichever side comes second attaches the shutdown.
globalThis[Symbol.for("ensemble.httpServer")] = server;
globalThis[Symbol.for("ensemble.shutdown")]?.(server);
server.listen(port, hostname, () => {
  console.log(
    `Ensemble ready on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`,
  );
});
