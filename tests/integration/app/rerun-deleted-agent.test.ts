/**
 * Issue 13 #2: the delete dialog promises that past runs keep their copy of the agent, so a re-run
 * of a run whose agent was deleted runs that copy (it was a 500, a foreign-key violation).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { finishedRun } from "../../helpers/finished-run";

let app: AppServer;
let api: ApiClient;

beforeAll(async () => {
  app = await startAppServer();
  api = new ApiClient(app.url);
  await api.signUp();
});
afterAll(async () => app?.close());

const finished = (id: string) => finishedRun(api, id);

describe("re-running a run whose agent was deleted", () => {
  it("runs the stored copy of the agent and answers from the cache", async () => {
    const { status: created, json: agent } = await api.post("/api/agents", {
      name: "short-lived",
      model: "claude-sonnet-5-5",
      system: "You answer briefly.",
      temperature: 0,
      maxTokens: 128,
    });
    expect(created).toBe(201);
    const id = agent.agent?.id ?? agent.id;
    const { json: run } = await api.post("/api/runs", {
      mode: "parallel",
      task: "Name one prime number.",
      agents: [id],
    });
    const first = await finished(run.id);
    expect(first.status).toBe("succeeded");

    expect((await api.delete(`/api/agents/${id}`)).status).toBe(204);

    const { status, json: again } = await api.post(`/api/runs/${run.id}/rerun`, {});
    expect(status).toBe(201);
    const second = await finished(again.id);
    expect(second.status).toBe("succeeded");
    expect(second.steps[0].agentName).toBe("short-lived");
    expect(second.steps[0].output).toBe(first.steps[0].output);
    expect(second.steps[0].cacheStatus).toBe("hit-memory");
  });
});
