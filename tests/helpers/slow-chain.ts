import { expect } from "vitest";
import type { ApiClient, AppServer } from "./app-server";

/** Starts a two-step chain whose first step streams slowly; resolves once that step runs. */
export async function startSlowChain(
  app: AppServer,
  api: ApiClient,
  label: string,
): Promise<string> {
  const prisma = app.runtime.db.prisma;
  const { json } = await api.get("/api/agents");
  const started = await api.post("/api/runs", {
    mode: "chain",
    task: `[[sim:tokens=200,tps=20]] ${label} ${Date.now()}: a long answer`,
    agents: [json.agents[0].id, json.agents[1].id],
  });
  expect(started.status).toBe(201);
  const runId = started.json.id as string;
  await expect
    .poll(async () => (await prisma.runStep.findFirst({ where: { runId, key: "step-1" } }))?.status)
    .toBe("running");
  expect(app.runtime.runs.activeRuns.has(runId)).toBe(true);
  return runId;
}
