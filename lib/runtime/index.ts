import "server-only";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { getConfig } from "@/lib/config";
import { type Runtime, createRuntime } from "./create-runtime";

export type { ApiKeys, Runtime } from "./create-runtime";
export type { RateLimiters } from "./rate-limiters";

/**
 * The one place a process keeps what it builds once. Why globalThis and not a module variable:
 * Next.js bundles instrumentation.ts and every route handler separately, so each bundle has its
 * own copy of this module; a module variable would build one runtime per bundle (a second PGlite
 * on the same directory, a second simulator, caches that do not see each other). globalThis is the
 * one object they share. Nothing else in lib/, app/, components/ or server/ keeps state on it.
 */
const HOLDER = Symbol.for("ensemble.runtime");
/** Read by server.mjs (outside the bundles): the gateway's node:http handler, set at boot. */
const GATEWAY_NODE_HANDLER = Symbol.for("ensemble.gateway.nodeHandler");
/**
 * Read by server.mjs once it listens: given its http server, drains it on SIGTERM/SIGINT and
 * closes the runtime cleanly (see server/graceful-shutdown.ts).
 */
const SHUTDOWN_HOOK = Symbol.for("ensemble.shutdown");
/** Published by server.mjs: boot may finish before or after it listens. */
const HTTP_SERVER = Symbol.for("ensemble.httpServer");
const holder = globalThis as unknown as {
  [HOLDER]?: Promise<Runtime>;
  [HTTP_SERVER]?: Server;
  [GATEWAY_NODE_HANDLER]?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  [SHUTDOWN_HOOK]?: (server: Server) => void;
};

/**
 * The process's runtime, built on first use. A failure is not kept: the next caller tries again,
 * so a database that comes back is picked up without a restart. Routes use the accessors below.
 */
export function getRuntime(): Promise<Runtime> {
  holder[HOLDER] ??= createRuntime(getConfig()).catch((error: unknown) => {
    holder[HOLDER] = undefined;
    throw error;
  });
  return holder[HOLDER];
}

/**
 * The runtime of this process if one is built or being built, without building one (shutdown:
 * nothing to drain in a process that never started its runtime).
 */
export function currentRuntime(): Promise<Runtime | undefined> {
  return holder[HOLDER]?.catch(() => undefined) ?? Promise.resolve(undefined);
}

/**
 * Stops everything the runtime started, in reverse order, and forgets it (graceful shutdown;
 * tests). The next getRuntime() builds a fresh one.
 */
export async function closeRuntime(): Promise<void> {
  const current = holder[HOLDER];
  holder[HOLDER] = undefined;
  const runtime = await current?.catch(() => undefined);
  await runtime?.close();
}

/**
 * Hands server.mjs (the production front server, which Next does not bundle) the gateway's
 * node:http handler and the shutdown hook. Called once at boot, from instrumentation.
 */
export function exposeToFrontServer(
  serveGateway: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  attachShutdown: (server: Server) => void,
): void {
  holder[GATEWAY_NODE_HANDLER] = serveGateway;
  // The first registration's hook is the one; whichever of boot and server.mjs comes second
  // attaches the shutdown to the server.
  const attach = (holder[SHUTDOWN_HOOK] ??= attachShutdown);
  const server = holder[HTTP_SERVER];
  if (server) attach(server);
}

// One narrow accessor per service: a route asks for what it needs, not for the whole runtime.
const service =
  <T>(pick: (runtime: Runtime) => T) =>
  async (): Promise<T> =>
    pick(await getRuntime());

/** The Prisma client of the process's database (Postgres or embedded PGlite). */
export const getPrisma = service((r) => r.db.prisma);
/** API-key lookups (authentication) and revocation broadcast. */
export const getApiKeys = service((r) => r.apiKeys);
/** The inbound rate limiters, one per route group. */
export const getRateLimiters = service((r) => r.rateLimiters);
/** What starting, executing and cancelling runs needs. */
export const getRunServices = service((r) => r.runs);
/** Run events, for SSE viewers. */
export const getRunEventLog = service((r) => r.runs.eventLog);
/** The gateway's model caller (cache, single-flight, upstream pool). */
export const getGatewayCaller = service((r) => r.gatewayCaller);
/** The gateway's batched request log. */
export const getGatewayRequestLog = service((r) => r.requestLog);
/** What the gateway's handlers need: authentication, request log, cache, upstream pool, target. */
export const getGatewayServices = service((r) => ({
  gatewayAuth: r.gatewayAuth,
  requestLog: r.requestLog,
  rateLimiters: r.rateLimiters,
  cache: r.cacheServices.cache,
  upstream: r.gatewayUpstream,
  budgets: r.budgets,
  target: {
    baseURL: r.providerHandle.baseURL,
    keys: r.providerHandle.keys,
    isSimulator: r.providerHandle.simulator !== undefined,
  },
}));
/** Budgets: the guard every upstream call reserves on, and what the budget routes invalidate. */
export const getBudgets = service((r) => r.budgets);
/** The response cache and its admin-facing parts (L1, L2, statistics, purges). */
export const getCacheServices = service((r) => r.cacheServices);
/** The process's pub/sub (cancels, purges, revocations reach every instance through it). */
export const getPubSub = service((r) => r.pubsub);
/** The cap on open run-event streams per principal and team. */
export const getStreamQuota = service((r) => r.streamQuota);
/** The process's Prometheus registry and instruments. */
export const getMetrics = service((r) => r.metrics);
/** Cache-warming jobs. */
export const getWarmJobs = service((r) => r.warmJobs);
/** The database, the Redis client, the circuit breakers and the start time, for /api/health. */
export const getHealthProbes = service((r) => ({
  db: r.db,
  redis: r.redis,
  breakers: r.runs.breakers,
  upstreamKeys: r.providerHandle.keys,
  startedAt: r.startedAt,
  lifecycle: r.lifecycle,
}));
