/**
 * Graceful shutdown (issue 14, item 5): SIGTERM to a serving process while a run executes and 50
 * gateway calls wait on a slow upstream. Health turns 503 `draining` and new work is refused,
 * the run is handed back at once (its lease released, not cancelled: another process — or this
 * one's successor on the embedded database — resumes it; issue 11), every one
 * of the 50 calls completes, no buffered request-log row or cache statistic is lost, and the
 * process exits 0. The app runs in a child process (tests/fixtures/shutdown-server.ts) with the
 * shutdown server.mjs attaches.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { rm } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/open-database";
import { ApiClient } from "../../helpers/app-server";
import { dbKind, serverUrl } from "../../helpers/db";
import { parseMetrics, sample } from "../../helpers/prometheus";

const CALLS = 50;
let child: ChildProcess;
let info: { url: string; databaseUrl: string | null; dataDir: string };
let api: ApiClient;
let key: string;

beforeAll(async () => {
  child = spawn(
    "node_modules/.bin/tsx",
    ["--conditions=react-server", "tests/fixtures/shutdown-server.ts"],
    { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env } },
  );
  const lines = createInterface({ input: child.stdout! });
  info = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server exited early (${code})`)));
    lines.on("line", (line) => {
      if (line.includes('"dataDir"')) resolve(JSON.parse(line));
    });
  });
  api = new ApiClient(info.url);
  await api.signUp();
  key = (await api.post("/api/keys", { name: "drain", role: "member" })).json.key;
});

afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  if (info?.databaseUrl && serverUrl) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(
      `DROP DATABASE IF EXISTS "${new URL(info.databaseUrl).pathname.slice(1)}" WITH (FORCE)`,
    );
    await admin.end();
  }
  if (info?.dataDir) await rm(info.dataDir, { recursive: true, force: true });
});

const gatewayCall = (i: number) =>
  fetch(`${info.url}/api/anthropic/v1/messages`, {
    method: "POST",
    headers: {
      "x-api-key": key,
      "anthropic-version": "2023-06-01",
      "content-type": "application/json",
    },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 16,
      temperature: 0,
      messages: [
        { role: "user", content: `[[sim:latency=5000]] drain call ${i} ${Math.random()}` },
      ],
    }),
  }).then(async (r) => ({ status: r.status, body: await r.text(), at: Date.now() }));

async function gatewayPermitsHeld(): Promise<number> {
  const text = await (await fetch(`${info.url}/api/metrics`)).text();
  return sample(parseMetrics(text), "ensemble_semaphore_active", { pool: "gateway" }) ?? 0;
}

describe(`SIGTERM while serving, on ${dbKind}`, () => {
  it("drains: the run is handed back, all 50 calls complete, nothing buffered is lost, exit 0", async () => {
    const { json } = await api.get("/api/agents");
    const run = await api.post("/api/runs", {
      mode: "parallel",
      task: "[[sim:latency=60000]] a run that outlives the deploy",
      agents: [json.agents[0].id],
    });
    expect(run.status).toBe(201);
    await expect
      .poll(async () => (await api.get(`/api/runs/${run.json.id}`)).json.run.status)
      .toBe("running");

    const calls = Array.from({ length: CALLS }, (_, i) => gatewayCall(i));
    // Every call holds an upstream permit: all 50 are in flight when the signal arrives.
    await expect.poll(gatewayPermitsHeld, { timeout: 30_000 }).toBe(CALLS);
    const exited = once(child, "exit");
    child.kill("SIGTERM");

    // The listener stays open for the load balancer: health says draining, new work is refused.
    await expect.poll(async () => (await fetch(`${info.url}/api/health`)).status).toBe(503);
    const health = await (await fetch(`${info.url}/api/health`)).json();
    expect(health.status).toBe("draining");
    const late = await fetch(`${info.url}/api/anthropic/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": key },
    });
    expect(late.status).toBe(503);
    expect((await late.json()).type).toBe("error");

    const results = await Promise.all(calls);
    expect(results.map((r) => r.status)).toEqual(Array(CALLS).fill(200));
    const [code] = await exited;
    expect(code).toBe(0);

    const db = await openDatabase({
      databaseUrl: info.databaseUrl ?? undefined,
      pgliteDir: path.resolve(info.dataDir, "pglite"),
      log: () => {},
    });
    try {
      const stored = await db.prisma.run.findUniqueOrThrow({ where: { id: run.json.id } });
      // Not ended: released for the next process to claim at once (no owner, no lease).
      expect(stored).toMatchObject({ status: "running", ownerId: null, heartbeatAt: null });
      expect(stored.endedAt).toBeNull();
      // Its step was stopped, not cancelled: it runs again when the run resumes.
      const steps = await db.prisma.runStep.findMany({ where: { runId: run.json.id } });
      expect(steps.map((s) => [s.status, s.errorCode])).toEqual([["running", null]]);
      const logged = await db.prisma.gatewayRequest.count({
        where: { path: "/v1/messages", status: 200 },
      });
      expect(logged).toBe(CALLS);
      const stats = await db.prisma.cacheStat.aggregate({
        where: { agentId: "" },
        _sum: { misses: true },
      });
      expect(stats._sum.misses).toBe(CALLS);
    } finally {
      await db.close();
    }
  });
});
