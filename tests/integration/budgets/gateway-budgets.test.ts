/**
 * Issue 12 #2, budgets through the real gateway and runs: a key's $0.01 daily budget stops its
 * spend within one call's cost of the limit with a 429 rate_limit_error naming the budget; a
 * local webhook receiver gets the soft and hard events once each; answers from the response
 * cache still flow (they cost nothing); reservations of failed and abandoned calls are released,
 * so the enforcing counter equals the recorded costs; a run step over its agent's budget fails
 * with budget_exceeded. The real SDK over HTTP to the app, the app to the simulator.
 */
import Anthropic from "@anthropic-ai/sdk";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BudgetRule, BudgetWebhookEvent } from "@/lib/budgets";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";
import { finishedRun } from "../../helpers/finished-run";

// A model that still takes `temperature` (Opus 4.7 and later refuse it), so 0 can opt in to the cache.
const MODEL = "claude-sonnet-4-6";
let app: AppServer;
let api: ApiClient;
let receiver: Server;
const events: BudgetWebhookEvent[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      events.push(JSON.parse(body) as BudgetWebhookEvent);
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const port = (receiver.address() as AddressInfo).port;
  app = await startAppServer({ BUDGET_WEBHOOK_URL: `http://127.0.0.1:${port}/hook` });
  api = new ApiClient(app.url);
  await api.signUp();
});
afterAll(async () => {
  await app?.close();
  receiver?.close();
});

async function newKey(name: string) {
  const created = await api.post("/api/keys", { name, role: "member" });
  expect(created.status).toBe(201);
  const client = new Anthropic({
    baseURL: `${app.url}/api/anthropic`,
    apiKey: created.json.key,
    maxRetries: 0,
  });
  return { id: created.json.apiKey.id as string, client };
}

async function createBudget(body: Record<string, unknown>): Promise<BudgetRule & { id: string }> {
  const res = await api.post("/api/budgets", body);
  expect(res.status).toBe(201);
  const b = res.json.budget;
  return { ...b, teamId: "", limitUsd: b.limitUsd } as BudgetRule & { id: string };
}

/** Same length every time, so every call has the same usage and cost. */
const prompt = () =>
  `Count to three. ${Math.random().toString(36).slice(2, 10).padEnd(8, "x")} [[sim:tokens=20]]`;
/** temperature 0 is cacheable by default (the SDK's types here lack the field). */
const params = (
  content: string,
  temperature: number,
): Anthropic.MessageCreateParamsNonStreaming => {
  const body = {
    model: MODEL,
    max_tokens: 20,
    temperature,
    messages: [{ role: "user" as const, content }],
  };
  return body;
};
const ask = (client: Anthropic, content = prompt(), temperature = 1) =>
  client.messages.create(params(content, temperature));

async function keySpend(keyId: string): Promise<number> {
  const { json } = await api.get("/api/spend?by=key");
  return json.rows.find((r: { group: string }) => r.group === keyId)?.costUsd ?? 0;
}

/** The counter, once the reservations of calls that ended are settled. */
async function settledCounter(rule: BudgetRule) {
  for (let i = 0; i < 400; i++) {
    await app.runtime.budgets.idle();
    const c = await app.runtime.budgets.counterOf(rule);
    if (c.reservedUsd === 0) return c;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("reservations were never settled");
}

describe(`budgets on the gateway and runs on ${dbKind}`, () => {
  it("stops a key's spend within one call's cost of its $0.01 budget, with a 429 naming it", async () => {
    const { id, client } = await newKey("budgeted");
    const budget = await createBudget({
      scope: "key",
      targetId: id,
      period: "day",
      limitUsd: 0.01,
    });
    const cached = prompt();
    const first = await ask(client, cached, 0);
    const callCost = await keySpend(id);
    expect(callCost).toBeGreaterThan(0);

    // Four at a time until the first refusal, then one at a time until the next: nothing in flight.
    let refusal: unknown;
    for (let round = 0; round < 100 && !refusal; round++) {
      const results = await Promise.allSettled([0, 1, 2, 3].map(() => ask(client)));
      refusal = results.find((r) => r.status === "rejected")?.reason;
    }
    for (let i = 0; i < 100; i++) {
      try {
        await ask(client);
      } catch (error) {
        refusal = error;
        break;
      }
    }
    expect(refusal).toBeInstanceOf(Anthropic.RateLimitError);
    const error = refusal as InstanceType<typeof Anthropic.RateLimitError>;
    expect((error.error as { error: { type: string } }).error.type).toBe("rate_limit_error");
    expect(error.message).toContain(budget.id);
    // The window resets at the next UTC midnight; until then a retry cannot succeed.
    expect(error.headers?.get("x-should-retry")).toBe("false");
    expect(Number(error.headers?.get("retry-after"))).toBeGreaterThan(0);
    expect(error.message).toMatch(/API key's daily budget of \$0\.01/);

    const spent = await keySpend(id);
    expect(spent).toBeGreaterThanOrEqual(0.01);
    expect(spent).toBeLessThan(0.01 + callCost);
    const counter = await settledCounter(budget);
    expect(counter.spentUsd).toBeCloseTo(spent, 6);

    // A cached answer costs nothing, so the used-up budget does not stop it.
    const replay = await client.messages.create(params(cached, 0)).withResponse();
    expect(replay.response.headers.get("x-ensemble-cache")).toMatch(/^hit-/);
    expect(replay.data.content).toEqual(first.content);

    await app.runtime.budgets.idle();
    const mine = events.filter((e) => e.budget.id === budget.id);
    expect(mine.map((e) => e.level).sort()).toEqual(["hard", "soft"]);
    expect(mine.find((e) => e.level === "soft")!.percent).toBe(80);
    const listed = (await api.get("/api/budgets")).json.budgets.find(
      (b: { id: string }) => b.id === budget.id,
    );
    expect(listed.state).toBe("exceeded");
    expect(listed.spentUsd).toBeCloseTo(spent, 9);
  });

  it("releases the reservations of calls that fail upstream or are abandoned mid-stream", async () => {
    const { id, client } = await newKey("released");
    const budget = await createBudget({ scope: "key", targetId: id, period: "month", limitUsd: 1 });
    await expect(ask(client, `${prompt()} [[sim:status=500]]`)).rejects.toBeInstanceOf(
      Anthropic.InternalServerError,
    );
    const controller = new AbortController();
    const stream = client.messages.stream(
      {
        model: MODEL,
        max_tokens: 20,
        messages: [{ role: "user", content: `${prompt()} [[sim:stall-after=2]]` }],
      },
      { signal: controller.signal },
    );
    await new Promise<void>((resolve) => stream.on("text", () => resolve()));
    controller.abort();
    await stream.done().catch(() => {});
    await ask(client);

    const counter = await settledCounter(budget);
    expect(counter.reservedUsd).toBe(0);
    const recorded = await keySpend(id);
    expect(recorded).toBeGreaterThan(0);
    expect(counter.spentUsd).toBeCloseTo(recorded, 6);
  });

  it("releases a run step's reservation when the upstream refuses it and when the run is cancelled", async () => {
    const agent = await api.post("/api/agents", { name: "cancelled", model: MODEL, maxTokens: 32 });
    const agentId = agent.json.agent?.id ?? agent.json.id;
    const budget = await createBudget({
      scope: "agent",
      targetId: agentId,
      period: "day",
      limitUsd: 5,
    });
    const refused = await api.post("/api/runs", {
      mode: "parallel",
      task: `${prompt()} [[sim:status=400]]`,
      agents: [agentId],
    });
    expect((await finishedRun(api, refused.json.id)).steps[0].status).toBe("failed");

    const stalled = await api.post("/api/runs", {
      mode: "parallel",
      task: `${prompt()} [[sim:stall-after=2]]`,
      agents: [agentId],
    });
    // The step's call holds its reservation while the upstream stalls mid-answer.
    await expect
      .poll(async () => (await app.runtime.budgets.counterOf(budget)).reservedUsd, {
        timeout: 10_000,
      })
      .toBeGreaterThan(0);
    expect((await api.post(`/api/runs/${stalled.json.id}/cancel`)).status).toBe(202);
    expect((await finishedRun(api, stalled.json.id)).steps[0].status).toBe("cancelled");

    const counter = await settledCounter(budget);
    const byAgent = (await api.get("/api/spend?by=agent")).json.rows;
    const recorded = byAgent.find((r: { group: string }) => r.group === agentId)?.costUsd ?? 0;
    expect(counter.spentUsd).toBeCloseTo(recorded, 6);
  });

  it("fails a run step over its agent's budget with budget_exceeded", async () => {
    const agent = await api.post("/api/agents", { name: "thrifty", model: MODEL, maxTokens: 32 });
    const agentId = agent.json.agent?.id ?? agent.json.id;
    await createBudget({ scope: "agent", targetId: agentId, period: "month", limitUsd: 0 });
    const run = await api.post("/api/runs", {
      mode: "parallel",
      task: prompt(),
      agents: [agentId],
    });
    const finished = await finishedRun(api, run.json.id);
    expect(finished.steps[0]).toMatchObject({ status: "failed", errorCode: "budget_exceeded" });
    expect(finished.steps[0].errorMessage).toContain("agent's monthly budget");
  });

  it("checks budget input and names the wrong field", async () => {
    const bad = await api.post("/api/budgets", { scope: "key", period: "day", limitUsd: 1 });
    expect([bad.status, bad.json.error.field]).toEqual([422, "targetId"]);
    const neg = await api.post("/api/budgets", { scope: "team", period: "week", limitUsd: 1 });
    expect([neg.status, neg.json.error.field]).toEqual([422, "period"]);
    const team = await createBudget({ scope: "team", period: "month", limitUsd: 100 });
    const dup = await api.post("/api/budgets", { scope: "team", period: "month", limitUsd: 5 });
    expect(dup.status).toBe(409);
    const patched = await api.patch(`/api/budgets/${team.id}`, { softLimitPercent: 50 });
    expect(patched.json.budget).toMatchObject({ softLimitPercent: 50, limitUsd: 100 });
    expect((await api.patch(`/api/budgets/${team.id}`, {})).json.error.field).toBe("limitUsd");
    expect((await api.delete(`/api/budgets/${team.id}`)).status).toBe(204);
    const audit = (await api.get("/api/audit?action=budget.change")).json.events;
    expect(audit.length).toBeGreaterThanOrEqual(3);
  });
});
