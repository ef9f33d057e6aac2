import "server-only";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { anthropicErrorResponse } from "@/lib/gateway/anthropic-errors";
import { logger } from "@/lib/log";
import { handOffActiveRuns } from "@/lib/runs/hand-off-runs";
import { closeRuntime, currentRuntime } from "@/lib/runtime";
import { flushTracing } from "@/lib/tracing";

export interface ShutdownOptions {
  /** How long in-flight requests may take. @default SHUTDOWN_GRACE_MS */
  graceMs?: number;
  /** @default process.exit */
  exit?: (code: number) => void;
  /** @default ["SIGTERM", "SIGINT"] */
  signals?: NodeJS.Signals[];
}

// Long-lived and resumable (Last-Event-ID): a viewer reconnects elsewhere, the drain need not wait.
const RESUMABLE = /^\/api\/runs\/[^/]+\/events(?:\?|$)/;

/**
 * Graceful shutdown of a serving process: on SIGTERM/SIGINT, /api/health answers 503 `draining`
 * (the listener stays open so a load balancer sees it), new requests are refused with 503 and
 * `Connection: close`, runs executing here are handed back at once (their leases released, so
 * another process resumes them at its next claim pass), requests in flight
 * (gateway streams included) finish within the grace period, then the runtime closes in order —
 * every buffered writer flushed — and the process exits 0. A second signal exits at once.
 */
export function attachGracefulShutdown(server: Server, options: ShutdownOptions = {}): void {
  const log = logger.child("shutdown");
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  // The app's request listeners are called through this one, so a refused request never reaches
  // them and every admitted one is counted until its response closes.
  const app = server.listeners("request") as ((
    req: IncomingMessage,
    res: ServerResponse,
  ) => void)[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (draining && !isHealth(req.url)) return void refuse(req, res);
    if (draining) res.setHeader("connection", "close");
    if (!RESUMABLE.test(req.url ?? "")) {
      inFlight++;
      res.once("close", () => {
        inFlight--;
        if (inFlight === 0) drained?.();
      });
    }
    for (const listener of app) listener.call(server, req, res);
  });

  const shutdown = async (signal: string) => {
    if (draining) {
      log.warn(`${signal} again: exiting without waiting`);
      return exit(1);
    }
    draining = true;
    const graceMs = options.graceMs ?? getConfig().SHUTDOWN_GRACE_MS;
    log.info(`${signal}: draining ${inFlight} request(s), up to ${graceMs} ms`);
    const runtime = await currentRuntime();
    if (runtime) runtime.lifecycle.draining = true;
    server.closeIdleConnections();
    const released = runtime
      ? await handOffActiveRuns({ prisma: runtime.db.prisma, runs: runtime.runs }).catch(
          (e: unknown) => {
            log.error(`could not hand runs back: ${(e as Error).message}`);
            return [];
          },
        )
      : [];
    if (released.length > 0) log.warn(`handed ${released.length} run(s) back for another server`);
    const idle = inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => (drained = r));
    const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), graceMs).unref());
    if ((await Promise.race([idle, timer])) === "timeout") {
      log.warn(`grace period over with ${inFlight} request(s) in flight: closing them`);
    }
    server.close();
    server.closeAllConnections();
    await closeRuntime().catch((e: unknown) => log.error(`closing: ${(e as Error).message}`));
    await flushTracing().catch(() => {});
    log.info("stopped");
    exit(0);
  };
  for (const signal of options.signals ?? ["SIGTERM", "SIGINT"]) {
    process.on(signal, () => void shutdown(signal));
  }
}

const isHealth = (url = "/") => url === "/api/health" || url.startsWith("/api/health?");

async function refuse(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const error = new AppError("unavailable", "The server is shutting down; retry.", {
    retryAfterMs: 1000,
  });
  // The gateway's clients get the API's envelope (their SDKs retry a 503); everyone else JSON.
  const response = req.url?.startsWith("/api/anthropic")
    ? anthropicErrorResponse(error)
    : Response.json({ error: { code: "unavailable", message: error.message } }, { status: 503 });
  res.writeHead(response.status, {
    ...Object.fromEntries(response.headers),
    connection: "close",
    "retry-after": "1",
  });
  res.end(await response.text());
  req.resume();
}
