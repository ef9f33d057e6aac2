/**
 * The app's real route handlers behind a plain node:http server, for integration tests and
 * benchmarks: real auth, rate limits, database, cache, orchestrator, and the simulator over HTTP,
 * without a Next.js build. (Playwright covers the Next.js server itself.)
 *
 * Configuration is the app's own: this sets environment variables before the first import of
 * lib/config, on a fresh data directory (PGlite) or a fresh database on DATABASE_URL's server.
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { inject } from "vitest";
import type { Runtime } from "@/lib/runtime";
import { createServerDatabase, serverUrl } from "./db";
import { recordRequestSecrets, recordSecret } from "./suite-logs";

type Handler = (
  request: Request,
  context: { params: Promise<Record<string, string>> },
) => Promise<Response>;
type RouteModule = Partial<
  Record<"GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS", Handler>
>;

/** Every API route, as Next's file-system router would map it. */
const ROUTES: [pattern: string, load: () => Promise<RouteModule>][] = [
  ["/api/health", () => import("@/app/api/health/route")],
  ["/api/metrics", () => import("@/app/api/metrics/route")],
  ["/api/auth/sign-up", () => import("@/app/api/auth/sign-up/route")],
  ["/api/auth/sign-in", () => import("@/app/api/auth/sign-in/route")],
  ["/api/auth/sign-out", () => import("@/app/api/auth/sign-out/route")],
  ["/api/auth/me", () => import("@/app/api/auth/me/route")],
  ["/api/auth/password", () => import("@/app/api/auth/password/route")],
  ["/api/team/members", () => import("@/app/api/team/members/route")],
  ["/api/team/members/:id", () => import("@/app/api/team/members/[id]/route")],
  ["/api/team/invites", () => import("@/app/api/team/invites/route")],
  ["/api/team/invites/:id", () => import("@/app/api/team/invites/[id]/route")],
  ["/api/keys", () => import("@/app/api/keys/route")],
  ["/api/keys/:id", () => import("@/app/api/keys/[id]/route")],
  ["/api/models", () => import("@/app/api/models/route")],
  ["/api/agents", () => import("@/app/api/agents/route")],
  ["/api/agents/export", () => import("@/app/api/agents/export/route")],
  ["/api/agents/import", () => import("@/app/api/agents/import/route")],
  ["/api/agents/:id", () => import("@/app/api/agents/[id]/route")],
  ["/api/runs", () => import("@/app/api/runs/route")],
  ["/api/runs/stats", () => import("@/app/api/runs/stats/route")],
  ["/api/runs/tags", () => import("@/app/api/runs/tags/route")],
  ["/api/runs/:id", () => import("@/app/api/runs/[id]/route")],
  ["/api/runs/:id/export", () => import("@/app/api/runs/[id]/export/route")],
  ["/api/runs/:id/trace", () => import("@/app/api/runs/[id]/trace/route")],
  ["/api/runs/:id/events", () => import("@/app/api/runs/[id]/events/route")],
  ["/api/runs/:id/cancel", () => import("@/app/api/runs/[id]/cancel/route")],
  ["/api/runs/:id/rerun", () => import("@/app/api/runs/[id]/rerun/route")],
  ["/api/templates", () => import("@/app/api/templates/route")],
  ["/api/templates/:id", () => import("@/app/api/templates/[id]/route")],
  ["/api/cache/stats", () => import("@/app/api/cache/stats/route")],
  ["/api/cache/entries", () => import("@/app/api/cache/entries/route")],
  ["/api/cache/entries/:key", () => import("@/app/api/cache/entries/[key]/route")],
  ["/api/cache/purge", () => import("@/app/api/cache/purge/route")],
  ["/api/cache/warm", () => import("@/app/api/cache/warm/route")],
  ["/api/cache/warm/:id", () => import("@/app/api/cache/warm/[id]/route")],
  ["/api/gateway/requests", () => import("@/app/api/gateway/requests/route")],
  ["/api/gateway/settings", () => import("@/app/api/gateway/settings/route")],
  ["/api/spend", () => import("@/app/api/spend/route")],
  ["/api/budgets", () => import("@/app/api/budgets/route")],
  ["/api/budgets/:id", () => import("@/app/api/budgets/[id]/route")],
  ["/api/audit", () => import("@/app/api/audit/route")],
  ["/api/audit/export", () => import("@/app/api/audit/export/route")],
  ["/api/gateway/keys/:id", () => import("@/app/api/gateway/keys/[id]/route")],
  ["/api/anthropic/v1/messages", () => import("@/app/api/anthropic/v1/messages/route")],
  [
    "/api/anthropic/v1/messages/count_tokens",
    () => import("@/app/api/anthropic/v1/messages/count_tokens/route"),
  ],
  // The optional catch-all: the base and every path the routes above do not own ("*" = the rest).
  ["/api/anthropic", () => import("@/app/api/anthropic/[[...path]]/route")],
  ["/api/anthropic/*", () => import("@/app/api/anthropic/[[...path]]/route")],
];

export const ROUTE_PATTERNS = ROUTES.map(([p]) => p);

// Each route module is imported once (as Next does), not on every request.
const loaded = new Map<string, Promise<RouteModule>>();

function match(
  pathname: string,
): { load: () => Promise<RouteModule>; params: Record<string, string> } | null {
  const parts = pathname.split("/");
  for (const [pattern, load] of ROUTES) {
    const pp = pattern.split("/");
    if (pp.at(-1) === "*") {
      if (parts.length < pp.length || !pp.slice(0, -1).every((seg, i) => seg === parts[i]))
        continue;
      if (!loaded.has(pattern)) loaded.set(pattern, load());
      return { load: () => loaded.get(pattern)!, params: {} };
    }
    if (pp.length !== parts.length) continue;
    const params: Record<string, string> = {};
    if (
      pp.every((seg, i) =>
        seg.startsWith(":")
          ? ((params[seg.slice(1)] = decodeURIComponent(parts[i]!)), true)
          : seg === parts[i],
      )
    ) {
      if (!loaded.has(pattern)) loaded.set(pattern, load());
      return { load: () => loaded.get(pattern)!, params };
    }
  }
  return null;
}

async function toRequest(
  req: IncomingMessage,
  origin: string,
  signal: AbortSignal,
): Promise<Request> {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
    else if (v !== undefined) headers.set(k, v);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    signal,
    // @ts-expect-error Node's fetch needs duplex for streamed bodies
    duplex: "half",
  });
}

async function send(res: ServerResponse, response: Response) {
  res.statusCode = response.status;
  response.headers.forEach((value, key) => {
    if (key !== "set-cookie") res.setHeader(key, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) res.setHeader("set-cookie", cookies);
  if (!response.body) return void res.end();
  res.flushHeaders();
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => {}));
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (done) break;
    res.write(value);
  }
  res.end();
}

export interface AppServer {
  url: string;
  /** The app's own runtime (simulator stats, cache services, …). */
  runtime: Runtime;
  /** The http server itself (graceful-shutdown tests attach to it). */
  server: Server;
  close(): Promise<void>;
}

/** Starts the app on a random loopback port with the given extra configuration. */
export async function startAppServer(env: Record<string, string> = {}): Promise<AppServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "ensemble-app-"));
  const server = serverUrl ? await createServerDatabase() : undefined;
  if (!server) await copyPgliteTemplate(dataDir);
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    // Every level is kept for the suite's secret scan; only warnings reach the terminal.
    LOG_LEVEL: "debug",
    ANTHROPIC_API_KEY: "",
    SIMULATOR_TTFT_MS: "0",
    SIMULATOR_TOKENS_PER_SECOND: "0",
    // Every test file signs up from this one address, and with REDIS_URL the limits are shared
    // by all files at once: keep them out of the way unless a test sets its own.
    RATE_LIMIT_SIGN_IN_PER_MINUTE: "100000",
    RATE_LIMIT_API_PER_MINUTE: "100000",
    RATE_LIMIT_RUNS_PER_MINUTE: "100000",
    // Files that send bad credentials on purpose (isolation, revocation) all do so from
    // 127.0.0.1: on a shared Redis their failures would lock every other file out.
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: "100000",
    // Hundreds of sign-ups per run: the cheapest scrypt cost config allows (production: 2^17).
    PASSWORD_HASH_LOG2_N: "14",
    ...(server
      ? {
          DATABASE_URL: server.url,
          CACHE_HMAC_SECRET: "b7e19c4a2f8d3065e1a9c7b24f0d8e3a6c5b1f9e7d2a4c08b3e6f1a9d5c7e204",
        }
      : {}),
    ...env,
  });
  const { getRuntime, closeRuntime } = await import("@/lib/runtime");
  const runtime = await getRuntime();

  const http = createServer(async (req, res) => {
    const controller = new AbortController();
    res.on("close", () => controller.abort());
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const found = match(url.pathname);
      const mod = found && (await found.load());
      const handler = mod?.[req.method as keyof RouteModule];
      if (!found || !handler) {
        res.statusCode = found ? 405 : 404;
        return void res.end();
      }
      const request = await toRequest(req, `http://${req.headers.host}`, controller.signal);
      await send(res, await handler(request, { params: Promise.resolve(found.params) }));
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    runtime,
    server: http,
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      // Runs finish as they would have; then everything the runtime built stops, in order.
      await runtime.runs.activeRuns.idle();
      await closeRuntime();
      await server?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The run's initialised PGlite directory (tests/setup/pglite-template.ts), copied into place. */
async function copyPgliteTemplate(dataDir: string): Promise<void> {
  let template = "";
  try {
    template = inject("pgliteTemplate");
  } catch {
    // Outside the integration project: the runtime runs initdb itself.
  }
  if (template) await cp(template, path.join(dataDir, "pglite"), { recursive: true });
}

/** A tiny cookie-keeping client for the API. */
export class ApiClient {
  cookie = "";
  constructor(
    readonly baseUrl: string,
    readonly headers: Record<string, string> = {},
  ) {}

  async request(
    method: string,
    pathname: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(this.baseUrl + pathname, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...this.headers,
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const setCookie = response.headers
      .getSetCookie()
      .find((c) => c.startsWith("ensemble_session="));
    if (setCookie) this.cookie = setCookie.split(";")[0]!;
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    recordRequestSecrets(body);
    recordSecret(this.cookie.split("=")[1]);
    const key = (json as { key?: unknown } | undefined)?.key;
    if (typeof key === "string") recordSecret(key);
    // Tests read whatever shape the route returns; they assert on it.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: response.status, headers: response.headers, json: json as any, text };
  }

  get = (p: string, h?: Record<string, string>) => this.request("GET", p, undefined, h);
  post = (p: string, b?: unknown, h?: Record<string, string>) =>
    this.request("POST", p, b ?? {}, h);
  patch = (p: string, b?: unknown) => this.request("PATCH", p, b ?? {});
  delete = (p: string) => this.request("DELETE", p);

  /** Signs up a fresh user (and team); returns the account. */
  async signUp(overrides: Record<string, unknown> = {}) {
    const suffix = Math.random().toString(36).slice(2, 10);
    const res = await this.post("/api/auth/sign-up", {
      email: `user-${suffix}@example.test`,
      name: `User ${suffix}`,
      password: "correct horse battery",
      ...overrides,
    });
    if (res.status !== 201) throw new Error(`sign-up failed: ${res.status} ${res.text}`);
    return res.json as { user: { id: string; email: string }; team: { id: string }; role: string };
  }
}
