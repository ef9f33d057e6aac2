/**
 * Outbound limits in the app (embedded defaults: the in-process store; with REDIS_URL, Redis):
 * a gateway call over the limit waits up to its bound and then answers 429 in the API's envelope
 * with retry-after; a run's steps wait for room within their deadline and succeed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";
import { finishedRun } from "../../helpers/finished-run";

let app: AppServer;
let api: ApiClient;
let key: string;
let agentIds: Record<string, string>;

// A model of its own per test file run: on a shared Redis no other file counts against it.
const MODEL = `claude-sim-outbound-${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  app = await startAppServer({
    OUTBOUND_LIMITS: JSON.stringify({ "*": { rpm: 2 } }),
    OUTBOUND_WINDOW_MS: "1500",
    OUTBOUND_GATEWAY_MAX_WAIT_MS: "0",
  });
  api = new ApiClient(app.url);
  await api.signUp();
  key = (await api.post("/api/keys", { name: "outbound", role: "member" })).json.key;
  const { json } = await api.get("/api/agents");
  agentIds = Object.fromEntries(
    json.agents.map((a: { name: string; id: string }) => [a.name, a.id]),
  );
});
afterAll(async () => app?.close());

const message = (text: string) =>
  fetch(`${app.url}/api/anthropic/v1/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": key,
      "anthropic-version": "2023-06-01",
    },
    body: JSON.stringify({
      model: MODEL,
      max_tokens: 20,
      messages: [{ role: "user", content: `${text} ${Math.random()}` }],
    }),
  });

describe(`outbound limits in the app on ${dbKind}`, () => {
  it("answers a gateway call over the limit with 429 rate_limit_error and retry-after, without calling upstream", async () => {
    const sim = app.runtime.providerHandle.simulator!;
    const before = sim.stats().requests;
    expect((await message("one")).status).toBe(200);
    expect((await message("two")).status).toBe(200);
    const refused = await message("three");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = await refused.json();
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("rate_limit_error");
    expect(body.error.message).toMatch(/outbound rate limit for claude-sim-outbound/);
    expect(sim.stats().requests - before).toBe(2);
  });

  it("lets a run's steps wait for room and succeed", async () => {
    const sim = app.runtime.providerHandle.simulator!;
    const before = sim.stats().requests;
    const { status, json } = await api.post("/api/runs", {
      mode: "parallel",
      task: `Three steps under a limit of two per window ${Math.random()}`,
      agents: [agentIds.reviewer, agentIds.summarizer, agentIds.critic],
    });
    expect(status).toBe(201);
    const run = await finishedRun(api, json.id);
    expect(run.status).toBe("succeeded");
    expect(run.steps.map((s: { status: string }) => s.status)).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
    ]);
    // Each step called upstream once: none was refused and retried.
    expect(sim.stats().requests - before).toBe(3);
  });
});
