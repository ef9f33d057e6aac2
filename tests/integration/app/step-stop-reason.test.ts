/**
 * Issue 13, broken item 10: an answer cut at max_tokens was not marked once the run was read
 * back from the history (only the live stream carried the stop reason). Steps store it now.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { finishedRun } from "../../helpers/finished-run";
import { dbKind } from "../../helpers/db";

let app: AppServer;
let api: ApiClient;

beforeAll(async () => {
  app = await startAppServer();
  api = new ApiClient(app.url);
  await api.signUp();
});
afterAll(async () => app?.close());

const finished = (id: string) => finishedRun(api, id);

async function agent(name: string, maxTokens: number): Promise<string> {
  const { status, json } = await api.post("/api/agents", {
    name,
    model: "claude-sonnet-5-5",
    temperature: 0,
    maxTokens,
  });
  expect(status).toBe(201);
  return json.agent?.id ?? json.id;
}

describe(`a step's stop reason in the history on ${dbKind}`, () => {
  it("keeps max_tokens for a cut answer and end_turn for a whole one", async () => {
    const cut = await agent("cut-short", 4);
    const whole = await agent("says-it-all", 1024);
    const { json } = await api.post("/api/runs", {
      mode: "parallel",
      task: "Explain, in several sentences, why the sky looks blue at noon and red at dusk.",
      agents: [cut, whole],
    });
    const run = await finished(json.id);
    const byName = Object.fromEntries(
      run.steps.map((s: { agentName: string }) => [s.agentName, s]),
    );
    expect(byName["cut-short"]).toMatchObject({ status: "succeeded", stopReason: "max_tokens" });
    expect(byName["says-it-all"]).toMatchObject({ status: "succeeded", stopReason: "end_turn" });
  });
});
