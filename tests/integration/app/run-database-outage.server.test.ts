/**
 * Postgres going away mid-run (issue 11: "Postgres stopped for 10 s mid-run: the run ends
 * succeeded, no step loses its output"). The app reaches its database through a TCP proxy the
 * test cuts while the steps are streaming; their writes wait for the database and land when it
 * returns, and the run ends succeeded with every answer stored.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { createServerDatabase, serverUrl } from "../../helpers/db";
import { type TcpProxy, startTcpProxy } from "../../helpers/tcp-proxy";

const OUTAGE_MS = 4_000;

let app: AppServer;
let api: ApiClient;
let proxy: TcpProxy;
let database: Awaited<ReturnType<typeof createServerDatabase>>;

beforeAll(async () => {
  database = await createServerDatabase();
  const target = new URL(serverUrl!);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(database.url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(proxy.port);
  app = await startAppServer({
    DATABASE_URL: proxied.toString(),
    // Each step streams for a while: the outage starts while they are in flight.
    SIMULATOR_TTFT_MS: "1000",
    SIMULATOR_TOKENS_PER_SECOND: "60",
  });
  api = new ApiClient(app.url);
  await api.signUp();
});
afterAll(async () => {
  await proxy?.restore();
  await app?.close();
  await proxy?.close();
  await database?.drop();
});

/** Polls the run (503s during the outage included) until it has ended. */
async function waitForEnd(runId: string) {
  for (;;) {
    const res = await api.get(`/api/runs/${runId}`);
    if (res.status === 200 && !["queued", "running"].includes(res.json.run.status)) {
      return res.json.run as { status: string; steps: { status: string; output: string }[] };
    }
    await sleep(200);
  }
}

describe("a Postgres outage mid-run", () => {
  it("delays the run's writes instead of failing the run; every answer is stored", async () => {
    const agents = (await api.get("/api/agents")).json.agents as { id: string }[];
    const start = (task: string) =>
      api.post("/api/runs", {
        mode: "parallel",
        task,
        agents: agents.slice(0, 2).map((a) => a.id),
      });
    // A server that has been up a while: it has run this team's calls before (and so knows its
    // budgets, which stand in while the database is away).
    const warm = await start(`Warm-up ${Date.now()}: name a lake.`);
    await waitForEnd(warm.json.id as string);

    const started = await start(`Outage run ${Date.now()}: name three rivers.`);
    expect(started.status, started.text).toBe(201);
    const runId = started.json.id as string;

    await proxy.cut();
    await sleep(OUTAGE_MS);
    // The steps finished streaming during the outage: their records are waiting.
    expect((await api.get(`/api/runs/${runId}`)).status).toBe(503);
    await proxy.restore();

    const run = await waitForEnd(runId);
    expect(run.status).toBe("succeeded");
    expect(run.steps).toHaveLength(2);
    for (const step of run.steps) {
      expect(step.status).toBe("succeeded");
      expect(step.output.length).toBeGreaterThan(0);
    }
  });
});
