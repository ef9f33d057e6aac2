/**
 * The app as users start it, for the gateway bench: a production build (built once when `.next`
 * is missing) served by server.mjs (as `npm run serve`) on a free loopback port, its upstream configured the way an
 * operator does it (ANTHROPIC_API_KEY + ANTHROPIC_BASE_URL), on a fresh data directory (embedded
 * defaults) or a fresh database on a Postgres server (+ Redis). Plus an account and an API key.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { log, sleep } from "./util";

export interface Deployment {
  /** "embedded" (PGlite, in-process stores) or "postgres" (+ Redis when reachable). */
  kind: "embedded" | "postgres";
  /** For "postgres": the server to create a fresh database on. */
  databaseUrl?: string;
  redisUrl?: string;
}

export interface BenchServer {
  url: string;
  pid: number;
  /** An Ensemble API key (admin) for the gateway. */
  key: string;
  /** Resident memory of the server's process tree, in bytes. */
  rss(): number;
  describe: string;
  close(): Promise<void>;
}

const NEXT_BIN = path.resolve("node_modules/.bin/next");

/** Builds once: `next build` when there is no production build yet. */
export async function ensureBuild(): Promise<string> {
  const buildId = path.resolve(".next/BUILD_ID");
  if (!existsSync(buildId)) {
    log("no production build (.next/BUILD_ID): running next build once …");
    await run(NEXT_BIN, ["build"], baseEnv());
  }
  const ageMin = (Date.now() - statSync(buildId).mtimeMs) / 60_000;
  return `production build ${readFileSync(buildId, "utf8").trim()} (${ageMin.toFixed(0)} min old)`;
}

function baseEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production",
  };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}`)),
    );
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function reachable(url: string, fallbackPort: number): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(u.port || fallbackPort), u.hostname);
    socket.setTimeout(500);
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => (socket.destroy(), resolve(false)));
  });
}

/** RSS of a process and all its descendants (Linux /proc), in bytes. */
export function treeRss(root: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    try {
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      total += Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
      continue;
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

async function freshDatabase(serverUrl: string) {
  const name = `ensemble_bench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Signs up (a new team) and creates an admin API key over the app's own API. */
async function createKey(url: string): Promise<string> {
  const suffix = randomBytes(4).toString("hex");
  const signUp = await fetch(`${url}/api/auth/sign-up`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email: `bench-${suffix}@example.test`,
      name: `Bench ${suffix}`,
      password: "correct horse battery",
    }),
  });
  if (signUp.status !== 201) throw new Error(`sign-up: ${signUp.status} ${await signUp.text()}`);
  const cookie = (
    signUp.headers.getSetCookie().find((c) => c.startsWith("ensemble_session=")) ?? ""
  ).split(";")[0]!;
  const created = await fetch(`${url}/api/keys`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ name: "bench", role: "admin" }),
  });
  if (created.status !== 201) throw new Error(`api key: ${created.status} ${await created.text()}`);
  return ((await created.json()) as { key: string }).key;
}

/**
 * Starts the server as `npm run serve` does (server.mjs: the gateway's node:http front before
 * Next) with the upstream at `upstreamUrl`, and waits until it answers.
 */
export async function startBenchServer(
  deployment: Deployment,
  upstreamUrl: string,
  /** Extra Node flags for the server (e.g. `--cpu-prof`; see bench/gateway-profile.ts). */
  nodeArgs: string[] = [],
): Promise<BenchServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "ensemble-bench-"));
  const db = deployment.kind === "postgres" ? await freshDatabase(deployment.databaseUrl!) : null;
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    DATA_DIR: dataDir,
    ANTHROPIC_API_KEY: "sk-ant-bench-upstream",
    ANTHROPIC_BASE_URL: upstreamUrl,
    LOG_LEVEL: "warn",
    // The bench measures the gateway's cost, not the inbound limiter or the admission semaphore.
    RATE_LIMIT_API_PER_MINUTE: "100000000",
    RATE_LIMIT_SIGN_IN_PER_MINUTE: "100000",
    MAX_CONCURRENCY: "256",
    ...(db ? { DATABASE_URL: db.url, CACHE_HMAC_SECRET: randomBytes(32).toString("hex") } : {}),
    ...(db && deployment.redisUrl ? { REDIS_URL: deployment.redisUrl } : {}),
  };
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, "server.mjs"], {
    env,
    stdio: ["ignore", process.env.BENCH_SERVER_STDOUT ? "inherit" : "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const close = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null) child.kill("SIGKILL");
    await db?.drop().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`the server exited ${child.exitCode}`);
      const res = await fetch(`${url}/api/health`).catch(() => null);
      if (res) {
        await res.arrayBuffer();
        break;
      }
      if (i > 600) throw new Error("the server did not answer within 60 s");
      await sleep(100);
    }
    const key = await createKey(url);
    const describe =
      deployment.kind === "embedded"
        ? "embedded defaults (PGlite in a fresh DATA_DIR, in-process stores)"
        : `Postgres (fresh database)${deployment.redisUrl ? " + Redis" : ", no Redis reachable"}`;
    return { url, pid: child.pid!, key, rss: () => treeRss(child.pid!), describe, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** bench/bare-proxy.mjs in its own process, in front of `upstreamUrl`. */
export async function startBareProxy(upstreamUrl: string): Promise<{ url: string; close(): void }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [path.resolve("bench/bare-proxy.mjs"), String(port), upstreamUrl],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`bare proxy exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, close: () => void child.kill("SIGKILL") };
}
