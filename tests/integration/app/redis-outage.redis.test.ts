/**
 * Redis going away under load: the app runs on a redis-server of the test's own, which the test
 * kills (SIGKILL) and starts again, empty. Gateway calls keep being answered throughout (rate
 * limits fail open, locks fall back), nothing logs an unhandled ioredis error, Redis is used
 * again after it returns, and a live run's viewer that missed events gets a run-snapshot and
 * then the rest of the run. (How much latency the outage adds is measured by `npm run bench`.)
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { runEvents } from "../../helpers/run-events";
import { captureLogs } from "../../helpers/log-capture";
import { type PrivateRedis, startPrivateRedis } from "../../helpers/private-redis";

let app: AppServer;
let api: ApiClient;
let redis: PrivateRedis;
let key: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    consoleErrors.push(args.map(String).join(" "));
  });
  redis = await startPrivateRedis();
  app = await startAppServer({ REDIS_URL: redis.url, LOG_LEVEL: "info" });
  api = new ApiClient(app.url);
  await api.signUp();
  key = (await api.post("/api/keys", { name: "redis outage", role: "member" })).json.key;
});
afterAll(async () => {
  await app?.close();
  await redis?.close();
  vi.restoreAllMocks();
});

const gatewayCall = async (content: string) => {
  const response = await fetch(`${app.url}/api/anthropic/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({
      model: "claude-sim",
      max_tokens: 16,
      temperature: 0,
      messages: [{ role: "user", content }],
    }),
  });
  await response.arrayBuffer();
  return response.status;
};

/** Keys the app wrote to the private Redis (rate-limit counters, event streams, …). */
async function keysInRedis(): Promise<number> {
  const client = new Redis(redis.url, { lazyConnect: true, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    return await client.dbsize();
  } finally {
    client.disconnect();
  }
}

describe("a Redis outage", () => {
  it("keeps answering gateway calls while Redis is down, logs no unhandled errors, and uses Redis again once it is back", async () => {
    const logs = captureLogs();
    const statuses: number[] = [];
    let stop = false;
    const load = async (worker: number) => {
      for (let i = 0; !stop; i++) {
        statuses.push(await gatewayCall(`load ${worker}-${i} ${Math.random()}`));
      }
    };
    const workers = [0, 1, 2, 3].map(load);
    await sleep(300);
    await redis.kill();
    const before = statuses.length;
    // Calls answered while Redis is down (counted, not timed: the box may be loaded).
    while (statuses.length < before + 2 * workers.length) await sleep(50);
    const during = statuses.slice(before);
    await redis.start();
    // Back: the app's rate limiter writes its counters to the (empty) Redis again.
    while ((await keysInRedis()) === 0) await sleep(50);
    stop = true;
    await Promise.all(workers);

    expect(during.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const unhandled = [...consoleErrors, logs.text()].filter((t) => /unhandled/i.test(t));
    expect(unhandled).toEqual([]);
  });

  it("gives a live viewer that missed events (Redis killed and restarted empty mid-run) a run-snapshot, then the rest of the run", async () => {
    const { json } = await api.get("/api/agents");
    const started = await api.post("/api/runs", {
      mode: "parallel",
      // About four seconds of streamed tokens: long enough to lose Redis in the middle.
      task: `[[sim:tokens=200,tps=50]] a run that outlives a Redis restart ${Math.random()}`,
      agents: [json.agents[0].id],
    });
    expect(started.status).toBe(201);
    const events = await viewRun(started.json.id, async (seen) => {
      if (seen.length !== 5) return;
      await redis.kill();
      await sleep(500);
      await redis.start();
    });

    const types = events.map((e) => e.type);
    const snapshotAt = types.indexOf("run-snapshot");
    expect(snapshotAt).toBeGreaterThan(0);
    expect(types.at(-1)).toBe("run-end");
    // Strictly increasing seq: a snapshot stands in for the gap, nothing is repeated.
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const run = await api.get(`/api/runs/${started.json.id}`);
    expect(run.json.run.status).toBe("succeeded");
  });
});

interface SeenEvent {
  type: string;
  seq: number;
}

/** Reads a run's SSE stream to its end; `onEvent` runs (awaited) after each event. */
async function viewRun(
  runId: string,
  onEvent: (seen: SeenEvent[]) => Promise<void>,
): Promise<SeenEvent[]> {
  const seen: SeenEvent[] = [];
  for await (const event of runEvents<SeenEvent>(app.url, api.cookie, runId)) {
    seen.push({ type: event.type, seq: event.seq });
    await onEvent(seen);
  }
  return seen;
}
