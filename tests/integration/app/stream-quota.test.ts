/**
 * Hostile input: a client opening run-event streams without end. Each stream holds a socket and a
 * subscription, so a principal gets a bounded number of them at once (SSE_STREAMS_PER_PRINCIPAL).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";

let app: AppServer;
let api: ApiClient;

beforeAll(async () => {
  app = await startAppServer({ SSE_STREAMS_PER_PRINCIPAL: "3", SSE_STREAMS_PER_TEAM: "100" });
  api = new ApiClient(app.url);
  await api.signUp();
});
afterAll(async () => app?.close());

describe("open run-event streams", () => {
  it("are capped per principal, answered 429 past the cap, and freed when a client leaves", async () => {
    const { json: agents } = await api.get("/api/agents");
    const { json: created } = await api.post("/api/runs", {
      mode: "parallel",
      // A hanging step keeps the run (and so its streams) open for the whole test.
      task: "Wait for me [[sim:hang]]",
      agents: [agents.agents[0].id],
    });
    const open = (signal: AbortSignal) =>
      fetch(`${app.url}/api/runs/${created.id}/events`, {
        headers: { cookie: api.cookie },
        signal,
      });

    const controllers = [0, 1, 2].map(() => new AbortController());
    const streams = await Promise.all(controllers.map((c) => open(c.signal)));
    for (const s of streams) expect(s.status).toBe(200);

    const refused = await open(new AbortController().signal);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect((await refused.json()).error.code).toBe("rate_limited");

    // A client that goes away gives its slot back.
    controllers[0]!.abort();
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const retry = new AbortController();
      const response = await open(retry.signal);
      status = response.status;
      retry.abort();
    }
    expect(status).toBe(200);

    for (const c of controllers) c.abort();
    await api.post(`/api/runs/${created.id}/cancel`, {});
  });
});
