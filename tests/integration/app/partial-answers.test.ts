/**
 * Issue 13, broken item 3: the text a user watched stream in was thrown away when the step
 * stopped (cancel, mid-stream failure, interruption): "No answer." and $0 although billed. It is
 * kept now, with its tokens and cost, and marked partial.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { finishedRun } from "../../helpers/finished-run";
import { dbKind } from "../../helpers/db";

let app: AppServer;
let api: ApiClient;
let agentId: string;

beforeAll(async () => {
  app = await startAppServer();
  api = new ApiClient(app.url);
  await api.signUp();
  const { json } = await api.get("/api/agents");
  agentId = json.agents[0].id;
});
afterAll(async () => app?.close());

/** Reads the run's live event stream until `count` step-delta events arrived; returns their text. */
async function streamedText(runId: string, count: number): Promise<string> {
  const controller = new AbortController();
  const response = await fetch(`${app.url}/api/runs/${runId}/events`, {
    headers: { cookie: api.cookie },
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let text = "";
  let seen = 0;
  while (seen < count) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended after ${seen} deltas`);
    buffer += decoder.decode(value, { stream: true });
    const blocks = buffer.split("\n\n");
    buffer = blocks.pop()!;
    for (const block of blocks) {
      const data = /^data: (.*)$/m.exec(block)?.[1];
      const event = data ? JSON.parse(data) : null;
      if (event?.type !== "step-delta") continue;
      text += event.text;
      seen += 1;
    }
  }
  controller.abort();
  return text;
}

async function startRun(task: string): Promise<string> {
  const { status, json } = await api.post("/api/runs", {
    mode: "parallel",
    task,
    agents: [agentId],
  });
  expect(status).toBe(201);
  return json.id;
}

describe(`partial answers on ${dbKind}`, () => {
  it("keeps the text streamed before a cancel, with its tokens and cost, marked partial", async () => {
    const id = await startRun("Explain caching in detail. [[sim:stall-after=5]]");
    const watched = await streamedText(id, 5);
    expect((await api.post(`/api/runs/${id}/cancel`)).status).toBe(202);
    const run = await finishedRun(api, id);

    expect(run.status).toBe("cancelled");
    const [step] = run.steps;
    expect(step).toMatchObject({ status: "cancelled", partial: true, output: watched });
    expect(watched.length).toBeGreaterThan(0);
    expect(step.inputTokens).toBeGreaterThan(0);
    expect(step.outputTokens).toBeGreaterThanOrEqual(5);
    expect(step.costUsd).toBeGreaterThan(0);
    expect(run.costUsd).toBeCloseTo(step.costUsd, 10);
    expect(run.outputTokens).toBe(step.outputTokens);
  });

  it("keeps the text streamed before the model failed mid-answer", async () => {
    const id = await startRun("Explain caching in detail. [[sim:error-after=4,type=api_error]]");
    const run = await finishedRun(api, id);

    expect(run.status).toBe("failed");
    const [step] = run.steps;
    expect(step).toMatchObject({
      status: "failed",
      partial: true,
      errorCode: "stream_interrupted",
    });
    expect(step.output.length).toBeGreaterThan(0);
    expect(step.outputTokens).toBeGreaterThanOrEqual(4);
    expect(step.costUsd).toBeGreaterThan(0);
    // One attempt only: no retry follows text the user has seen.
    expect(step.attempts).toBe(1);
  });

  it("does not mark a step partial when it failed before any text", async () => {
    const id = await startRun("Nothing comes back. [[sim:status=400,type=invalid_request_error]]");
    const run = await finishedRun(api, id);
    expect(run.steps[0]).toMatchObject({ status: "failed", partial: false, output: "" });
    expect(run.steps[0].costUsd).toBe(0);
  });
});
