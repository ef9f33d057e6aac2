/**
 * Issue 13, "Runs": tags. A member tags a run (short lowercase labels, checked, a 422 naming the
 * field otherwise); the history filters by a tag; tags stay inside the team; exports carry them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";
import { finishedRun } from "../../helpers/finished-run";

let app: AppServer;
let owner: ApiClient;
let member: ApiClient;
let other: ApiClient;
let agentId: string;
let otherAgentId: string;

beforeAll(async () => {
  app = await startAppServer();
  owner = new ApiClient(app.url);
  await owner.signUp();
  const invite = await owner.post("/api/team/invites", { role: "member" });
  member = new ApiClient(app.url);
  await member.signUp({ invite: invite.json.invite.token });
  other = new ApiClient(app.url);
  await other.signUp();
  agentId = (await owner.get("/api/agents")).json.agents[0].id;
  otherAgentId = (await other.get("/api/agents")).json.agents[0].id;
});
afterAll(async () => app?.close());

async function run(client: ApiClient, agent: string, task: string): Promise<string> {
  const { status, json } = await client.post("/api/runs", {
    mode: "parallel",
    task,
    agents: [agent],
  });
  expect(status).toBe(201);
  await finishedRun(client, json.id);
  return json.id;
}

const ids = (res: { json: { runs: { id: string }[] } }) => res.json.runs.map((r) => r.id);

describe(`run tags on ${dbKind}`, () => {
  it("lets a member tag a run: trimmed, lowercased, duplicates dropped, the title untouched", async () => {
    const id = await run(owner, agentId, "Summarise the incident report.");
    const res = await member.patch(`/api/runs/${id}`, {
      tags: [" Incident ", "q3-launch", "incident", "v2.1"],
    });
    expect(res.status).toBe(200);
    expect(res.json.run).toMatchObject({
      tags: ["incident", "q3-launch", "v2.1"],
      titled: false,
      title: "Summarise the incident report.",
    });
    expect((await owner.get(`/api/runs/${id}`)).json.run.tags).toEqual([
      "incident",
      "q3-launch",
      "v2.1",
    ]);

    // A rename leaves the tags alone, and [] removes them all.
    await owner.patch(`/api/runs/${id}`, { title: "Incident summary" });
    expect((await owner.get(`/api/runs/${id}`)).json.run.tags).toHaveLength(3);
    const cleared = await owner.patch(`/api/runs/${id}`, { tags: [] });
    expect(cleared.json.run).toMatchObject({ tags: [], title: "Incident summary", titled: true });
  });

  it("refuses bad tags with a 422 naming the field, and changes nothing", async () => {
    const id = await run(owner, agentId, "Something to tag badly.");
    await owner.patch(`/api/runs/${id}`, { tags: ["kept"] });
    const cases: Array<[unknown, string]> = [
      [{ tags: ["ok", "two words"] }, "tags.1"],
      [{ tags: ["x".repeat(33)] }, "tags.0"],
      [{ tags: [""] }, "tags.0"],
      [{ tags: ["-dash-first"] }, "tags.0"],
      [{ tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, "tags"],
      [{ tags: "incident" }, "tags"],
      [{ tags: [7] }, "tags.0"],
      [{ labels: ["x"] }, "labels"],
    ];
    for (const [body, field] of cases) {
      const res = await member.patch(`/api/runs/${id}`, body);
      expect([res.status, res.json.error.code, res.json.error.field], JSON.stringify(body)).toEqual(
        [422, "validation_failed", field],
      );
    }
    const empty = await member.patch(`/api/runs/${id}`, {});
    expect([empty.status, empty.json.error.message]).toEqual([422, "send a title, tags or both"]);
    expect((await owner.get(`/api/runs/${id}`)).json.run.tags).toEqual(["kept"]);
  });

  it("filters the history by tag (with the other filters), and lists the team's tags", async () => {
    const tagged = await run(owner, agentId, "First tagged run.");
    const alsoTagged = await run(member, agentId, "Second tagged run.");
    const untagged = await run(owner, agentId, "An untagged run.");
    await owner.patch(`/api/runs/${tagged}`, { tags: ["filter-me", "blue"] });
    await member.patch(`/api/runs/${alsoTagged}`, { tags: ["filter-me"] });

    const byTag = await member.get("/api/runs?tag=filter-me");
    expect(byTag.status).toBe(200);
    expect(ids(byTag)).toEqual([alsoTagged, tagged]);
    expect(ids(byTag)).not.toContain(untagged);
    expect(byTag.json.runs[1].tags).toEqual(["filter-me", "blue"]);
    // Case does not matter in the URL either; it is the same tag.
    expect(ids(await owner.get("/api/runs?tag=Filter-Me"))).toEqual([alsoTagged, tagged]);
    expect(ids(await owner.get("/api/runs?tag=blue&q=first"))).toEqual([tagged]);
    expect(ids(await owner.get("/api/runs?tag=blue&q=second"))).toEqual([]);

    const bad = await owner.get(`/api/runs?tag=${encodeURIComponent("not a tag")}`);
    expect([bad.status, bad.json.error.field]).toEqual([422, "tag"]);

    const tags = (await member.get("/api/runs/tags")).json.tags as { tag: string; runs: number }[];
    expect(tags.find((t) => t.tag === "filter-me")).toEqual({ tag: "filter-me", runs: 2 });
    expect(tags.find((t) => t.tag === "blue")).toEqual({ tag: "blue", runs: 1 });
  });

  it("keeps tags inside the team: no reads, writes or filter hits across teams", async () => {
    const mine = await run(owner, agentId, "A run of team A.");
    await owner.patch(`/api/runs/${mine}`, { tags: ["shared-name"] });
    const theirs = await run(other, otherAgentId, "A run of team B.");
    await other.patch(`/api/runs/${theirs}`, { tags: ["shared-name", "b-only"] });

    expect((await other.patch(`/api/runs/${mine}`, { tags: ["pwned"] })).status).toBe(404);
    expect((await owner.get(`/api/runs/${mine}`)).json.run.tags).toEqual(["shared-name"]);
    expect(ids(await owner.get("/api/runs?tag=shared-name"))).toEqual([mine]);
    expect(ids(await other.get("/api/runs?tag=shared-name"))).toEqual([theirs]);
    expect(ids(await owner.get("/api/runs?tag=b-only"))).toEqual([]);
    const bTags = (await other.get("/api/runs/tags")).json.tags.map((t: { tag: string }) => t.tag);
    expect(bTags.sort()).toEqual(["b-only", "shared-name"]);
    const aTags = (await owner.get("/api/runs/tags")).json.tags.map((t: { tag: string }) => t.tag);
    expect(aTags).not.toContain("b-only");
  });

  it("exports the tags in JSON and Markdown", async () => {
    const id = await run(owner, agentId, "Export me with tags.");
    await owner.patch(`/api/runs/${id}`, { tags: ["export", "md"] });
    const json = await owner.get(`/api/runs/${id}/export?format=json`);
    expect(json.json.run.tags).toEqual(["export", "md"]);
    const md = await owner.get(`/api/runs/${id}/export?format=md`);
    expect(md.text).toContain("\n- Tags: export, md\n");
  });
});
