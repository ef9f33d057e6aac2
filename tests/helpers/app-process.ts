/**
 * App instances in child processes, for tests and benchmarks where several processes share one
 * database: a web instance (tests/fixtures/run-instance.ts: the app's route handlers and runtime
 * with the graceful shutdown) or a worker (`npm run worker`'s script). Each can be killed -9
 * (its whole process group) or sent SIGTERM as a deploy would.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";

export interface AppProcess {
  /** The web instance's base URL; "" for a worker. */
  url: string;
  /** The runtime's instance id: what Run.ownerId says while it owns a run. */
  instanceId: string;
  child: ChildProcess;
  /** kill -9 of the process group (tsx and the node process it started). */
  kill9(): Promise<void>;
  /** SIGTERM; resolves with the exit code. */
  terminate(): Promise<number | null>;
  /** True until it exited. */
  alive(): boolean;
}

const WORKER_ID = /worker ([0-9a-f-]{36}) executing runs/;

function controls(child: ChildProcess) {
  return {
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      process.kill(-child.pid!, "SIGKILL");
      await exited;
    },
    async terminate() {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const [code] = await exited;
      return code as number | null;
    },
    alive: () => child.exitCode === null && child.signalCode === null,
  };
}

/**
 * A web instance on `env` (DATABASE_URL, REDIS_URL, the upstream, …), used as given: it joins
 * that database rather than creating a fresh one.
 */
export async function startWebProcess(env: Record<string, string>): Promise<AppProcess> {
  const child = spawn(
    "node_modules/.bin/tsx",
    ["--conditions=react-server", "tests/fixtures/run-instance.ts"],
    {
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
      env: { ...process.env, INSTANCE_ENV: JSON.stringify(env) },
    },
  );
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<{ url: string; instanceId: string }>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`instance exited early (${code}):\n${stderr}`)));
    lines.on("line", (line) => {
      if (line.includes('"instanceId"')) resolve(JSON.parse(line));
    });
  });
  return { ...info, child, ...controls(child) };
}

/** `npm run worker` (the script it runs) on `env`: executes runs, no HTTP server. */
export async function startWorkerProcess(env: Record<string, string>): Promise<AppProcess> {
  const child = spawn("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/worker.ts"], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "info", ...env },
  });
  let output = "";
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const instanceId = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`worker exited early (${code}):\n${output}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = WORKER_ID.exec(output);
      if (match) resolve(match[1]!);
    });
  });
  return { url: "", instanceId, child, ...controls(child) };
}
