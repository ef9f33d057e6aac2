/**
 * Issue 13 "Runs": retry only the failed steps of a finished run. The new run copies the steps
 * that succeeded (not called again, billed nothing) and runs the others, which take their inputs
 * from the copied answers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { finishedRun } from "../../helpers/finished-run";

let app: AppServer;
let api: ApiClient;
const agentIds: string[] = [];

beforeAll(async () => {
  app = await startAppServer();
  api = new ApiClient(app.url);
  await api.signUp();
  for (const name of ["retry-researcher", "retry-writer", "retry-critic"]) {
    // Not deterministic (temperature > 0): never cached, so every step is a real call.
    const { status, json } = await api.post("/api/agents", {
      name,
      model: "claude-sonnet-5-5",
      system: `You are ${name}.`,
      temperature: 0.7,
      maxTokens: 64,
    });
    expect(status).toBe(201);
    agentIds.push(json.agent?.id ?? json.id);
  }
});
afterAll(async () => app?.close());

const simulatorRequests = () => app.runtime.providerHandle.simulator!.stats().requests;

type Step = { key: string; status: string; output: string; copied: boolean; costUsd: number };

/** A chain-shaped DAG whose middle step fails once (a 400: not retried within the run). */
async function runWithFailedMiddle(tag: string) {
  const { status, json } = await api.post("/api/runs", {
    mode: "dag",
    task: `Write a short note about ${tag}.`,
    steps: [
      { key: "research", agent: agentIds[0], dependsOn: [] },
      {
        key: "draft",
        agent: agentIds[1],
        dependsOn: ["research"],
        input: "Draft it. [[sim:status=400,fail-first=1]]",
      },
      { key: "review", agent: agentIds[2], dependsOn: ["draft"] },
    ],
  });
  expect(status).toBe(201);
  const run = await finishedRun(api, json.id);
  expect(run.status).toBe("partial");
  expect(run.steps.map((s: Step) => [s.key, s.status])).toEqual([
    ["research", "succeeded"],
    ["draft", "failed"],
    ["review", "skipped"],
  ]);
  return run;
}

describe("POST /api/runs/{id}/rerun {only: failed}", () => {
  it("calls only the steps that did not succeed and ends succeeded with every output", async () => {
    const source = await runWithFailedMiddle("otters");
    const before = simulatorRequests();

    const { status, json } = await api.post(`/api/runs/${source.id}/rerun`, { only: "failed" });
    expect(status).toBe(201);
    const retry = await finishedRun(api, json.id);

    expect(simulatorRequests() - before).toBe(2); // draft and review; research was copied
    expect(retry.status).toBe("succeeded");
    expect(retry.rerunOfId).toBe(source.id);
    const [research, draft, review] = retry.steps as Step[];
    expect(research).toMatchObject({
      status: "succeeded",
      copied: true,
      output: source.steps[0].output,
      attempts: 0,
      inputTokens: 0,
      costUsd: 0,
    });
    expect(draft).toMatchObject({ status: "succeeded", copied: false });
    expect(review).toMatchObject({ status: "succeeded", copied: false });
    expect(draft!.output.length).toBeGreaterThan(0);
    expect(review!.output.length).toBeGreaterThan(0);
    expect(retry.costUsd).toBeCloseTo(draft!.costUsd + review!.costUsd, 10);
  });

  it("gives a retried step the copied answer of its dependency", async () => {
    const source = await runWithFailedMiddle("herons");
    const { json } = await api.post(`/api/runs/${source.id}/rerun`, { only: "failed" });
    await finishedRun(api, json.id);

    const { status, json: trace } = await api.get(`/api/runs/${json.id}/trace`);
    expect(status).toBe(200);
    const draft = trace.steps.find((s: { key: string }) => s.key === "draft");
    expect(draft.content).toContain(source.steps[0].output);
  });

  it("shows the copied step as done on the run's event stream", async () => {
    const source = await runWithFailedMiddle("newts");
    const { json } = await api.post(`/api/runs/${source.id}/rerun`, { only: "failed" });
    await finishedRun(api, json.id);

    const response = await fetch(`${app.url}/api/runs/${json.id}/events`, {
      headers: { cookie: api.cookie },
    });
    const text = await response.text();
    const events = [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!));
    const copied = events.find((e) => e.type === "step-end" && e.stepKey === "research");
    const snapshot = events.find((e) => e.type === "run-snapshot");
    // Either the logged step-end (marked copied) or the stored run, which says the same.
    if (copied) expect(copied).toMatchObject({ copied: true, output: source.steps[0].output });
    else expect(snapshot.run.steps[0]).toMatchObject({ status: "succeeded", copied: true });
  });

  it("refuses with 409 when no step failed", async () => {
    const { json } = await api.post("/api/runs", {
      mode: "parallel",
      task: "Say hi.",
      agents: [agentIds[0]],
    });
    await finishedRun(api, json.id);
    const { status, json: body } = await api.post(`/api/runs/${json.id}/rerun`, {
      only: "failed",
    });
    expect(status).toBe(409);
    expect(JSON.stringify(body)).toMatch(/nothing to retry/);
  });

  it("refuses with 409 while the run is still running", async () => {
    const { json } = await api.post("/api/runs", {
      mode: "parallel",
      task: "Wait. [[sim:hang]]",
      agents: [agentIds[0]],
    });
    const { status, json: body } = await api.post(`/api/runs/${json.id}/rerun`, {
      only: "failed",
    });
    expect(status).toBe(409);
    expect(JSON.stringify(body)).toMatch(/still (queued|running)/);
    await api.post(`/api/runs/${json.id}/cancel`);
    await finishedRun(api, json.id);
  });

  it("refuses a bad `only` with 422 naming the field, and keeps an empty body a full re-run", async () => {
    const source = await runWithFailedMiddle("voles");
    const bad = await api.post(`/api/runs/${source.id}/rerun`, { only: "everything" });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.json)).toMatch(/only/);
    const extra = await api.post(`/api/runs/${source.id}/rerun`, { only: "failed", x: 1 });
    expect(extra.status).toBe(422);

    const response = await fetch(`${app.url}/api/runs/${source.id}/rerun`, {
      method: "POST",
      headers: { cookie: api.cookie },
    });
    expect(response.status).toBe(201);
    const full = await finishedRun(api, ((await response.json()) as { id: string }).id);
    expect(full.steps.every((s: Step) => !s.copied)).toBe(true);
  });
});
