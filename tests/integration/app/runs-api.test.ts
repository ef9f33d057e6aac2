import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

let app: AppServer;
let api: ApiClient;
let agentIds: Record<string, string>;

beforeAll(async () => {
  app = await startAppServer();
  api = new ApiClient(app.url);
  await api.signUp();
  const { json } = await api.get("/api/agents");
  agentIds = Object.fromEntries(
    json.agents.map((a: { name: string; id: string }) => [a.name, a.id]),
  );
});
afterAll(async () => app?.close());

const upstreamRequests = () => app.runtime.providerHandle.simulator!.stats().requests;

async function waitForRun(id: string) {
  for (let i = 0; i < 200; i++) {
    const { json } = await api.get(`/api/runs/${id}`);
    if (!["queued", "running"].includes(json.run.status)) return json.run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${id} did not finish`);
}

/** Reads an SSE response into its events. */
async function readEvents(pathname: string, headers: Record<string, string> = {}) {
  const response = await fetch(app.url + pathname, { headers: { cookie: api.cookie, ...headers } });
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.includes("data: "))
    .map((block) => {
      const id = /^id: (\d+)$/m.exec(block)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(block)![1]!);
      return { id: id ? Number(id) : undefined, ...data };
    });
}

describe(`runs through the API on ${dbKind}`, () => {
  it("runs a task on three agents in parallel, persists every step, and streams the events", async () => {
    const { status, json } = await api.post("/api/runs", {
      mode: "parallel",
      task: "Compare two caching strategies.",
      agents: [agentIds.reviewer, agentIds.summarizer, agentIds.critic],
    });
    expect(status).toBe(201);
    const run = await waitForRun(json.id);
    expect(run.status).toBe("succeeded");
    expect(run.steps).toHaveLength(3);
    for (const step of run.steps) {
      expect(step.status).toBe("succeeded");
      expect(step.output.length).toBeGreaterThan(10);
      expect(step.outputTokens).toBeGreaterThan(0);
      expect(step.attempts).toBe(1);
    }

    const events = await readEvents(`/api/runs/${json.id}/events`);
    expect(events[0].type).toBe("run-start");
    expect(events.at(-1).type).toBe("run-end");
    const ids = events.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    for (const step of run.steps) {
      const text = events
        .filter((e) => e.type === "step-delta" && e.stepKey === step.key)
        .map((e) => e.text)
        .join("");
      expect(text).toBe(step.output);
    }

    // A reconnecting client gets only what it missed.
    const after = ids[Math.floor(ids.length / 2)];
    const rest = await readEvents(`/api/runs/${json.id}/events`, {
      "last-event-id": String(after),
    });
    expect(rest.map((e) => e.id)).toEqual(ids.filter((id) => id > after));
  });

  it("answers a re-run of a deterministic run from the cache with no upstream call", async () => {
    const first = await api.post("/api/runs", {
      mode: "parallel",
      task: "Summarize the benefits of single-flight request coalescing.",
      agents: [agentIds.reviewer, agentIds.summarizer],
    });
    await waitForRun(first.json.id);
    const before = upstreamRequests();

    const again = await api.post(`/api/runs/${first.json.id}/rerun`);
    expect(again.status).toBe(201);
    const rerun = await waitForRun(again.json.id);

    expect(upstreamRequests()).toBe(before);
    expect(rerun.status).toBe("succeeded");
    expect(rerun.cachedSteps).toBe(2);
    expect(rerun.steps.map((s: { cacheStatus: string }) => s.cacheStatus)).toEqual([
      "hit-memory",
      "hit-memory",
    ]);
    expect(rerun.costUsd).toBe(0);
  });

  it("chains agents so each one receives the previous answer", async () => {
    const { json } = await api.post("/api/runs", {
      mode: "chain",
      task: "Draft a release note.",
      agents: [agentIds.summarizer, agentIds.reviewer],
    });
    const run = await waitForRun(json.id);
    expect(run.status).toBe("succeeded");
    expect(run.steps.map((s: { dependsOn: string[] }) => s.dependsOn)).toEqual([[], ["step-1"]]);
  });

  it("runs a DAG whose join step waits for both of its dependencies", async () => {
    const { status, json } = await api.post("/api/runs", {
      mode: "dag",
      task: "Plan a migration.",
      steps: [
        { key: "a", agent: agentIds.reviewer, dependsOn: [] },
        { key: "b", agent: agentIds.critic, dependsOn: [] },
        { key: "join", agent: "summarizer", dependsOn: ["a", "b"], input: "Merge both views." },
      ],
    });
    expect(status).toBe(201);
    const run = await waitForRun(json.id);
    expect(run.status).toBe("succeeded");
    const join = run.steps.find((s: { key: string }) => s.key === "join");
    const deps = run.steps.filter((s: { key: string }) => s.key !== "join");
    for (const dep of deps)
      expect(new Date(join.startedAt).getTime()).toBeGreaterThanOrEqual(
        new Date(dep.endedAt).getTime() - 5,
      );
  });

  it("cancels a running run, aborting the upstream call the simulator is holding", async () => {
    const sim = app.runtime.providerHandle.simulator!;
    const closedBefore = sim.stats().clientClosed;
    const { json } = await api.post("/api/runs", {
      mode: "parallel",
      task: "Wait forever [[sim:hang]]",
      agents: [agentIds.reviewer],
    });
    await expect.poll(() => sim.stats().inFlight, { timeout: 5000 }).toBeGreaterThan(0);

    const cancel = await api.post(`/api/runs/${json.id}/cancel`);
    expect(cancel.status).toBe(202);
    const run = await waitForRun(json.id);

    expect(run.status).toBe("cancelled");
    expect(run.steps[0].status).toBe("cancelled");
    await expect
      .poll(() => sim.stats().clientClosed, { timeout: 5000 })
      .toBeGreaterThan(closedBefore);
    expect((await api.post(`/api/runs/${json.id}/cancel`)).status).toBe(409);
  });

  it("lists history with filters and reports daily stats", async () => {
    const all = await api.get("/api/runs?limit=2");
    expect(all.json.runs).toHaveLength(2);
    expect(all.json.nextCursor).toBeTruthy();
    const next = await api.get(`/api/runs?limit=2&cursor=${all.json.nextCursor}`);
    expect(next.json.runs[0].id).not.toBe(all.json.runs[1].id);

    const found = await api.get("/api/runs?q=release%20note");
    expect(found.json.runs.map((r: { mode: string }) => r.mode)).toEqual(["chain"]);
    const cancelled = await api.get("/api/runs?status=cancelled");
    expect(cancelled.json.runs).toHaveLength(1);

    const stats = await api.get("/api/runs/stats?days=7");
    expect(stats.json.buckets).toHaveLength(7);
    expect(stats.json.buckets.at(-1).runs).toBeGreaterThanOrEqual(5);
  });
});
