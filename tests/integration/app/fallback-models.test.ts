/**
 * Issue 12 #4: per-agent fallback models. The simulator answers 529 for the primary model only
 * (a fault queued for that model); the step switches to the agent's fallback, records which model
 * answered, and is priced at that model's rates. The app, the database and the simulator are real.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { estimateCostUsd } from "@/lib/cache/pricing";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { finishedRun } from "../../helpers/finished-run";
import { dbKind } from "../../helpers/db";

const PRIMARY = "claude-opus-5-5";
const FALLBACK = "claude-haiku-5-5";

let app: AppServer;
let api: ApiClient;

beforeAll(async () => {
  app = await startAppServer();
  api = new ApiClient(app.url);
  await api.signUp();
});
afterAll(async () => app?.close());

async function createAgent(body: Record<string, unknown>) {
  return api.post("/api/agents", { model: PRIMARY, temperature: 0, maxTokens: 256, ...body });
}

describe(`fallback models on ${dbKind}`, () => {
  it("answers from the secondary when the primary answers 529; the step says which and is priced for it", async () => {
    const created = await createAgent({ name: "with-fallback", fallbackModels: [FALLBACK] });
    expect(created.status).toBe(201);
    expect(created.json.agent.fallbackModels).toEqual([FALLBACK]);

    app.runtime.providerHandle.simulator!.queueFault({ directive: "status=529", model: PRIMARY });
    const { status, json } = await api.post("/api/runs", {
      mode: "parallel",
      task: `Name one prime number. ${Math.random()}`,
      agents: [created.json.agent.id],
    });
    expect(status).toBe(201);
    const run = await finishedRun(api, json.id);

    expect(run.status).toBe("succeeded");
    const [step] = run.steps;
    expect(step).toMatchObject({
      status: "succeeded",
      answeredModel: FALLBACK,
      attempts: 2,
      agent: { model: PRIMARY, fallbackModels: [FALLBACK] },
    });
    expect(step.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, errorCode: "upstream_overloaded" }),
      expect.objectContaining({ attempt: 2, model: FALLBACK }),
    ]);
    expect(step.inputTokens).toBeGreaterThan(0);
    const fallbackPrice = estimateCostUsd(FALLBACK, step.inputTokens, step.outputTokens);
    expect(step.costUsd).toBeCloseTo(fallbackPrice, 10);
    expect(step.costUsd).not.toBeCloseTo(
      estimateCostUsd(PRIMARY, step.inputTokens, step.outputTokens),
      10,
    );
  });

  it("records the agent's own model as the one that answered when it was not busy", async () => {
    const created = await createAgent({ name: "no-fallback" });
    expect(created.json.agent.fallbackModels).toEqual([]);
    const { json } = await api.post("/api/runs", {
      mode: "parallel",
      task: `Name one even number. ${Math.random()}`,
      agents: [created.json.agent.id],
    });
    const run = await finishedRun(api, json.id);
    expect(run.steps[0]).toMatchObject({ status: "succeeded", answeredModel: PRIMARY });
    expect(run.steps[0].agent).not.toHaveProperty("fallbackModels");
  });

  it("refuses a fallback list that names the primary, repeats a model or is too long, naming the field", async () => {
    const cases: Array<[unknown, string]> = [
      [[PRIMARY], "fallbackModels.0"],
      [[FALLBACK, FALLBACK], "fallbackModels"],
      [["a-1", "b-2", "c-3", "d-4", "e-5"], "fallbackModels"],
      [["Not A Model"], "fallbackModels.0"],
      ["claude-haiku-5-5", "fallbackModels"],
    ];
    for (const [fallbackModels, field] of cases) {
      const { status, json } = await createAgent({ name: "bad-fallbacks", fallbackModels });
      expect(status, JSON.stringify(fallbackModels)).toBe(422);
      expect(json.error).toMatchObject({ code: "validation_failed", field });
      expect(json.error.message).toMatch(/^fallbackModels/);
    }
  });

  it("checks an edit against the merged agent: a new model may not be one of the fallbacks", async () => {
    const { json } = await createAgent({ name: "edited", fallbackModels: [FALLBACK] });
    const clash = await api.patch(`/api/agents/${json.agent.id}`, { model: FALLBACK });
    expect(clash.status).toBe(422);
    expect(clash.json.error.field).toBe("fallbackModels.0");

    const cleared = await api.patch(`/api/agents/${json.agent.id}`, { fallbackModels: [] });
    expect(cleared.status).toBe(200);
    expect(cleared.json.agent.fallbackModels).toEqual([]);
  });
});
