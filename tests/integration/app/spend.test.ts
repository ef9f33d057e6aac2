/**
 * Issue 12 #3, cost complete: a gateway call with prompt-cache writes (both TTLs) and reads, and a
 * run, each recorded with its tokens and its cost at the price table's rates; GET /api/spend adds
 * them up by model, key, agent and day; an answer from the response cache costs nothing and shows
 * as saved. The real SDK over HTTP to the app, the app to the simulator.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPriceTable } from "@/lib/spend/price-table";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

let app: AppServer;
let api: ApiClient;
let client: Anthropic;
let keyId: string;
// A model that still takes `temperature` (Opus 4.7 and later refuse it), so 0 can opt in to the cache.
const MODEL = "claude-sonnet-4-6";
const table = createPriceTable();

beforeAll(async () => {
  app = await startAppServer();
  api = new ApiClient(app.url);
  await api.signUp();
  const created = await api.post("/api/keys", { name: "spend tests", role: "member" });
  expect(created.status).toBe(201);
  keyId = created.json.apiKey?.id ?? created.json.id;
  client = new Anthropic({
    baseURL: `${app.url}/api/anthropic`,
    apiKey: created.json.key,
    maxRetries: 0,
  });
});
afterAll(async () => app?.close());

const fresh = (text: string) => `${text} ${Math.random().toString(36).slice(2)}`;

/** A 1-hour breakpoint on the system prompt; with `markQuestion`, a 5-minute one on the message. */
function cachedPrompt(
  system: string,
  question: string,
  markQuestion: boolean,
): Anthropic.MessageCreateParamsNonStreaming {
  return {
    model: MODEL,
    max_tokens: 64,
    system: [{ type: "text", text: system, cache_control: { type: "ephemeral", ttl: "1h" } }],
    messages: [
      {
        role: "user",
        content: [
          {
            type: "text",
            text: question,
            ...(markQuestion ? { cache_control: { type: "ephemeral" as const } } : {}),
          },
        ],
      },
    ],
  };
}

async function gatewayRows() {
  const { json } = await api.get(`/api/gateway/requests?limit=200`);
  return json.requests as Array<Record<string, number | string | null>>;
}

describe(`spend: every upstream call with its usage and cost on ${dbKind}`, () => {
  it("records a gateway call's cache writes by TTL and cache reads, priced by the table", async () => {
    const system = fresh("You are terse. ".repeat(40));
    const first = await client.messages.create(cachedPrompt(system, fresh("Q1"), false));
    const second = await client.messages.create(
      cachedPrompt(system, fresh("Q2 ".repeat(20)), true),
    );
    expect(first.usage.cache_creation?.ephemeral_1h_input_tokens).toBeGreaterThan(0);
    expect(second.usage.cache_creation?.ephemeral_5m_input_tokens).toBeGreaterThan(0);
    expect(second.usage.cache_read_input_tokens).toBeGreaterThan(0);
    // Newest first; a miss's row keeps the gateway's own request id, not the upstream's.
    const rows = (await gatewayRows()).slice(0, 2).reverse();
    for (const [i, message] of [first, second].entries()) {
      const row = rows[i]!;
      const usage = {
        inputTokens: message.usage.input_tokens,
        outputTokens: message.usage.output_tokens,
        cacheWrite5mTokens: message.usage.cache_creation?.ephemeral_5m_input_tokens ?? 0,
        cacheWrite1hTokens: message.usage.cache_creation?.ephemeral_1h_input_tokens ?? 0,
        cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
      };
      expect(row).toMatchObject({ ...usage, costUsd: table.cost(MODEL, usage), savedUsd: 0 });
    }
  });

  it("counts an answer from the response cache as free and saved", async () => {
    const params = {
      model: MODEL,
      max_tokens: 32,
      temperature: 0,
      messages: [{ role: "user" as const, content: fresh("cache me") }],
    };
    const miss = await client.messages.create(params);
    const hit = await client.messages.create(params);
    expect(hit.id).not.toBe(miss.id);
    const [hitRow, missRow] = await gatewayRows();
    expect(missRow!.cacheStatus).toBe("miss");
    expect(missRow!.costUsd).toBeGreaterThan(0);
    expect(hitRow).toMatchObject({
      cacheStatus: "hit-memory",
      costUsd: 0,
      savedUsd: missRow!.costUsd,
    });
  });

  it("adds run steps and gateway calls up in GET /api/spend, by model, key, agent and day", async () => {
    const agent = await api.post("/api/agents", { name: "spender", model: MODEL, maxTokens: 64 });
    expect(agent.status).toBe(201);
    const agentId = agent.json.agent?.id ?? agent.json.id;
    const run = await api.post("/api/runs", {
      mode: "parallel",
      task: fresh("Count."),
      agents: [agentId],
    });
    let steps: Array<{ costUsd: number; status: string; inputTokens: number }> = [];
    for (let i = 0; i < 200; i++) {
      const { json } = await api.get(`/api/runs/${run.json.id}`);
      steps = json.run.steps;
      if (!["queued", "running"].includes(json.run.status)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(steps[0]).toMatchObject({ status: "succeeded" });
    expect(steps[0]!.costUsd).toBeGreaterThan(0);

    const byModel = (await api.get(`/api/spend?by=model`)).json;
    const rows = await gatewayRows();
    const gatewayCost = rows.reduce((sum, r) => sum + Number(r.costUsd), 0);
    const model = byModel.rows.find((r: { group: string }) => r.group === MODEL);
    expect(model.costUsd).toBeCloseTo(gatewayCost + steps[0]!.costUsd, 12);
    expect(model.cacheWriteTokens).toBeGreaterThan(0);
    expect(model.cacheReadTokens).toBeGreaterThan(0);
    expect(model.cacheHits).toBeGreaterThanOrEqual(1);
    expect(byModel.totalUsd).toBeCloseTo(model.costUsd, 12);

    const byKey = (await api.get(`/api/spend?by=key`)).json;
    expect(byKey.rows.map((r: { group: string }) => r.group).sort()).toEqual(
      [keyId, "runs"].sort(),
    );
    expect(byKey.rows.find((r: { group: string }) => r.group === keyId).label).toBe("spend tests");
    const byAgent = (await api.get(`/api/spend?by=agent`)).json;
    expect(byAgent.rows.find((r: { group: string }) => r.group === agentId)).toMatchObject({
      label: "spender",
      calls: 1,
    });
    const byDay = (await api.get(`/api/spend?by=day`)).json;
    expect(byDay.rows).toHaveLength(1);
    expect(byDay.rows[0].group).toBe(new Date().toISOString().slice(0, 10));
  });

  it("counts cache-warming calls as their own group, priced like any other", async () => {
    const started = await api.post("/api/cache/warm", {
      requests: [
        {
          model: MODEL,
          max_tokens: 32,
          temperature: 0,
          messages: [{ role: "user", content: fresh("warm") }],
        },
      ],
    });
    expect(started.status).toBe(202);
    for (let i = 0; i < 200; i++) {
      const { json } = await api.get(`/api/cache/warm/${started.json.job?.id ?? started.json.id}`);
      if ((json.job ?? json).status === "done") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const byKey = (await api.get(`/api/spend?by=key`)).json;
    const warming = byKey.rows.find((r: { group: string }) => r.group === "warming");
    expect(warming).toMatchObject({ label: "Cache warming", calls: 1 });
    expect(warming.costUsd).toBeGreaterThan(0);
  });

  it("refuses a bad query naming the field", async () => {
    const bad = await api.get(`/api/spend?by=week`);
    expect([bad.status, bad.json.error.field]).toEqual([422, "by"]);
    const backwards = await api.get(`/api/spend?from=2026-12-02&to=2026-12-01`);
    expect([backwards.status, backwards.json.error.field]).toEqual([422, "from"]);
    const unknown = await api.get(`/api/spend?team=x`);
    expect(unknown.status).toBe(422);
  });
});
