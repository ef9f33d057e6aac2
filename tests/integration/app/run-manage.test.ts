/**
 * Issue 13, "Runs": a title (editable, defaulting to the task's first words), delete (owners and
 * admins, audited; never a run still running), export as JSON and Markdown.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { finishedRun } from "../../helpers/finished-run";
import { dbKind } from "../../helpers/db";

let app: AppServer;
let owner: ApiClient;
let member: ApiClient;
let agents: { id: string; name: string }[];

beforeAll(async () => {
  app = await startAppServer();
  owner = new ApiClient(app.url);
  await owner.signUp();
  const invite = await owner.post("/api/team/invites", { role: "member" });
  member = new ApiClient(app.url);
  await member.signUp({ invite: invite.json.invite.token });
  agents = (await owner.get("/api/agents")).json.agents;
});
afterAll(async () => app?.close());

async function run(task: string, count = 1): Promise<string> {
  const { status, json } = await owner.post("/api/runs", {
    mode: "parallel",
    task,
    agents: agents.slice(0, count).map((a) => a.id),
  });
  expect(status).toBe(201);
  return json.id;
}

describe(`managing runs on ${dbKind}`, () => {
  it("names a run by its task's first words until a member renames it", async () => {
    const id = await run("Compare two caching strategies for a read-heavy API with bursts.");
    const before = await finishedRun(owner, id);
    expect(before).toMatchObject({ title: "Compare two caching strategies for a read-heavy API…" });
    expect(before.titled).toBe(false);

    const renamed = await member.patch(`/api/runs/${id}`, { title: "  Cache study  " });
    expect(renamed.status).toBe(200);
    expect(renamed.json.run).toMatchObject({ title: "Cache study", titled: true });
    const listed = await owner.get(`/api/runs?q=${encodeURIComponent("cache study")}`);
    expect(listed.json.runs.map((r: { id: string }) => r.id)).toEqual([id]);

    const cleared = await owner.patch(`/api/runs/${id}`, { title: "" });
    expect(cleared.json.run.titled).toBe(false);
    const tooLong = await owner.patch(`/api/runs/${id}`, { title: "x".repeat(121) });
    expect([tooLong.status, tooLong.json.error.field]).toEqual([422, "title"]);
  });

  it("exports a run as JSON and as Markdown with every agent's answer", async () => {
    const id = await run("Name three colours of the rainbow.", 2);
    const stored = await finishedRun(owner, id);

    const json = await owner.get(`/api/runs/${id}/export?format=json`);
    expect(json.status).toBe(200);
    expect(json.headers.get("content-disposition")).toContain(`-${id}.json"`);
    expect(json.json.run).toEqual(stored);

    const md = await member.get(`/api/runs/${id}/export?format=md`);
    expect(md.status).toBe(200);
    expect(md.headers.get("content-type")).toContain("text/markdown");
    expect(md.text.startsWith(`# ${stored.title}\n`)).toBe(true);
    for (const step of stored.steps) {
      expect(md.text).toContain(`## ${step.agentName} (${step.agent.model})`);
      expect(md.text).toContain(step.output.trim());
    }
    const bad = await owner.get(`/api/runs/${id}/export?format=pdf`);
    expect([bad.status, bad.json.error.field]).toEqual([422, "format"]);
  });

  it("lets owners delete a finished run (audited), not members, and not a running one", async () => {
    const id = await run("Something to delete.");
    await finishedRun(owner, id);
    expect((await member.delete(`/api/runs/${id}`)).status).toBe(403);

    const hanging = await run("Wait forever [[sim:hang]]");
    expect((await owner.delete(`/api/runs/${hanging}`)).status).toBe(409);
    expect((await owner.post(`/api/runs/${hanging}/cancel`)).status).toBe(202);
    await finishedRun(owner, hanging);

    expect((await owner.delete(`/api/runs/${id}`)).status).toBe(204);
    expect((await owner.get(`/api/runs/${id}`)).status).toBe(404);
    expect(await app.runtime.db.prisma.runStep.count({ where: { runId: id } })).toBe(0);
    const audit = await owner.get("/api/audit?action=run.delete");
    expect(audit.json.events[0]).toMatchObject({
      action: "run.delete",
      target: { kind: "run", id, label: "Something to delete." },
    });
    expect((await owner.delete(`/api/runs/${id}`)).status).toBe(404);
  });
});

describe(`a run's trace on ${dbKind}`, () => {
  it("shows the exact input each step of a chain received, and its cache outcome in words", async () => {
    const { json } = await owner.post("/api/runs", {
      mode: "chain",
      task: "Draft a haiku about caches.",
      agents: ["reviewer", "summarizer", "critic"].map((n) => agents.find((a) => a.name === n)!.id),
    });
    const stored = await finishedRun(owner, json.id);
    const trace = await member.get(`/api/runs/${json.id}/trace`);
    expect(trace.status).toBe(200);
    const [first, second] = trace.json.steps;
    expect(first.content).toBe("<task>\nDraft a haiku about caches.\n</task>");
    expect(second.content).toContain(stored.steps[0].output);
    expect(second.content).toContain(`agent="${stored.steps[0].agentName}"`);
    expect(second.system).toBe(stored.steps[1].agent.system);
    expect(first.cacheReason).toMatch(/^Not in the cache/);
    // The starter agents run on a model that refuses sampling parameters: none was sent.
    expect(first).toMatchObject({ model: "claude-sonnet-5-5", temperature: null });
    expect(trace.json.steps[2].cacheReason).toMatch(/temperature 0\.7/);

    const again = await owner.post(`/api/runs/${json.id}/rerun`);
    await finishedRun(owner, again.json.id);
    const replay = await owner.get(`/api/runs/${again.json.id}/trace`);
    expect(replay.json.steps[0].cacheReason).toMatch(/^Answered from/);
  });
});
