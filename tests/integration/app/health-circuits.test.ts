/** /api/health shows each model's circuit (state, since, next probe), and "degraded" while one is open. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { finishedRun } from "../../helpers/finished-run";

let app: AppServer;
let api: ApiClient;

beforeAll(async () => {
  app = await startAppServer({
    BREAKER_FAILURE_THRESHOLD: "2",
    BREAKER_COOLDOWN_MS: "60000",
    MAX_ATTEMPTS: "1",
    RUN_DEADLINE_MS: "2000",
  });
  api = new ApiClient(app.url);
  await api.signUp();
});
afterAll(async () => app?.close());

const finished = (id: string) => finishedRun(api, id);

describe("GET /api/health", () => {
  it("reports an open circuit with when it opened and when it will be probed", async () => {
    const { json: agents } = await api.get("/api/agents");
    const agent = agents.agents[0];
    const before = await (await fetch(`${app.url}/api/health`)).json();
    expect(before.status).toBe("ok");
    expect(before.circuits).toEqual([]);

    for (const n of [1, 2]) {
      const { json } = await api.post("/api/runs", {
        mode: "parallel",
        task: `Overloaded ${n} [[sim:status=529]]`,
        agents: [agent.id],
      });
      expect((await finished(json.id)).status).toBe("failed");
    }

    const response = await fetch(`${app.url}/api/health`);
    expect(response.status).toBe(200);
    const health = await response.json();
    expect(health.status).toBe("degraded");
    expect(health.circuits).toEqual([
      {
        model: agent.model,
        state: "open",
        since: expect.any(String),
        nextProbeAt: expect.any(String),
      },
    ]);
    expect(Date.parse(health.circuits[0].nextProbeAt) - Date.parse(health.circuits[0].since)).toBe(
      60_000,
    );
  });
});
