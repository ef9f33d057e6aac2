/**
 * Issue 13, "Composer": saved templates. A member saves the composer's setup under a name, the
 * team lists and loads it, and deletes it (its author, or an admin); bad bodies are a 4xx naming
 * the field; a template outlives an agent deleted since and names it; nothing crosses teams.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MODEL } from "@/lib/agents/models";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

let app: AppServer;
let owner: ApiClient;
let member: ApiClient;
let other: ApiClient;
let agents: { id: string; name: string }[];

const agentNamed = (name: string) => agents.find((a) => a.name === name)!.id;
const unique = (prefix: string) => `${prefix} ${Math.random().toString(36).slice(2, 8)}`;

beforeAll(async () => {
  app = await startAppServer();
  owner = new ApiClient(app.url);
  await owner.signUp();
  const invite = await owner.post("/api/team/invites", { role: "member" });
  member = new ApiClient(app.url);
  await member.signUp({ invite: invite.json.invite.token });
  other = new ApiClient(app.url);
  await other.signUp();
  agents = (await owner.get("/api/agents")).json.agents;
});
afterAll(async () => app?.close());

function dagTemplate(name: string) {
  return {
    name,
    mode: "dag",
    task: "Review the design doc.",
    cacheMode: "bypass",
    steps: [
      { key: "review", agent: agentNamed("reviewer"), input: "Be thorough." },
      { key: "critique", agent: agentNamed("critic") },
      { key: "sum", agent: agentNamed("summarizer"), dependsOn: ["review", "critique"] },
    ],
  };
}

describe(`saved templates on ${dbKind}`, () => {
  it("saves a member's DAG setup with its agents' names, and lists and reads it for the team", async () => {
    const name = unique("Design review");
    const saved = await member.post("/api/templates", dagTemplate(name));
    expect(saved.status).toBe(201);
    expect(saved.headers.get("location")).toBe(`/api/templates/${saved.json.template.id}`);
    expect(saved.json.template).toMatchObject({
      name,
      mode: "dag",
      task: "Review the design doc.",
      cacheMode: "bypass",
      missingAgents: [],
      steps: [
        { key: "review", agentName: "reviewer", dependsOn: [], input: "Be thorough." },
        { key: "critique", agentName: "critic", dependsOn: [], input: null },
        { key: "sum", agentName: "summarizer", dependsOn: ["review", "critique"], input: null },
      ],
    });

    const listed = (await owner.get("/api/templates")).json.templates as { id: string }[];
    expect(listed.map((t) => t.id)).toContain(saved.json.template.id);
    const read = await owner.get(`/api/templates/${saved.json.template.id}`);
    expect(read.json.template).toEqual(saved.json.template);
    const stored = await app.runtime.db.prisma.runTemplate.findUniqueOrThrow({
      where: { id: saved.json.template.id },
    });
    expect(stored.name).toBe(name);
  });

  it("drops DAG edges and instructions from a parallel template", async () => {
    const res = await owner.post("/api/templates", {
      name: unique("Fan out"),
      mode: "parallel",
      steps: [
        { key: "a", agent: agentNamed("reviewer"), input: "ignored" },
        { key: "b", agent: agentNamed("critic"), dependsOn: ["a"] },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.json.template.task).toBe("");
    expect(res.json.template.cacheMode).toBe("default");
    expect(res.json.template.steps.map((s: { dependsOn: string[] }) => s.dependsOn)).toEqual([
      [],
      [],
    ]);
    expect(res.json.template.steps[0].input).toBeNull();
  });

  it("refuses bad bodies with a 4xx naming the field", async () => {
    const base = dagTemplate(unique("Valid"));
    const cases: Array<[unknown, number, string | undefined]> = [
      [{ ...base, name: "  " }, 422, "name"],
      [{ ...base, name: "n".repeat(81) }, 422, "name"],
      [{ ...base, mode: "swarm" }, 422, "mode"],
      [{ ...base, cacheMode: "sometimes" }, 422, "cacheMode"],
      [{ ...base, steps: [] }, 422, "steps"],
      [{ ...base, steps: [{ key: "bad key!", agent: agentNamed("critic") }] }, 422, "steps.0.key"],
      [
        {
          ...base,
          steps: [
            { key: "a", agent: agentNamed("critic") },
            { key: "a", agent: agentNamed("reviewer") },
          ],
        },
        422,
        "steps.1.key",
      ],
      [
        { ...base, steps: [{ key: "a", agent: agentNamed("critic"), dependsOn: ["ghost"] }] },
        422,
        "steps.0.dependsOn.0",
      ],
      [{ ...base, steps: [{ key: "a", agent: "no-such-agent-id" }] }, 422, "steps.0.agent"],
      [{ ...base, extra: true }, 422, "extra"],
      ["[]", 400, undefined],
    ];
    for (const [body, status, field] of cases) {
      const res = await member.post("/api/templates", body);
      expect([res.status, res.json.error.field], JSON.stringify(body).slice(0, 120)).toEqual([
        status,
        field,
      ]);
    }
    const broken = await member.post("/api/templates", '{"name": "x",');
    expect([broken.status, broken.json.error.code]).toEqual([400, "invalid_json"]);

    const name = unique("Taken");
    expect((await member.post("/api/templates", dagTemplate(name))).status).toBe(201);
    const twice = await owner.post("/api/templates", dagTemplate(name));
    expect([twice.status, twice.json.error.code, twice.json.error.field]).toEqual([
      409,
      "conflict",
      "name",
    ]);
  });

  it("keeps a template whose agent was deleted, and says which agent is missing", async () => {
    const temp = await owner.post("/api/agents", {
      name: unique("temp").replace(" ", "-"),
      model: DEFAULT_MODEL,
    });
    expect(temp.status).toBe(201);
    const name = unique("With temp");
    const saved = await owner.post("/api/templates", {
      name,
      mode: "chain",
      task: "Chain it.",
      steps: [
        { key: "first", agent: temp.json.agent.id },
        { key: "second", agent: agentNamed("critic") },
      ],
    });
    expect(saved.status).toBe(201);
    expect((await owner.delete(`/api/agents/${temp.json.agent.id}`)).status).toBe(204);

    const read = await member.get(`/api/templates/${saved.json.template.id}`);
    expect(read.status).toBe(200);
    expect(read.json.template.missingAgents).toEqual([temp.json.agent.name]);
    expect(read.json.template.steps.map((s: { agentName: string }) => s.agentName)).toEqual([
      temp.json.agent.name,
      "critic",
    ]);
    const listed = (await member.get("/api/templates")).json.templates.find(
      (t: { id: string }) => t.id === saved.json.template.id,
    );
    expect(listed.missingAgents).toEqual([temp.json.agent.name]);
  });

  it("lets the author or an admin delete a template, not another member", async () => {
    const ownersTemplate = await owner.post("/api/templates", dagTemplate(unique("Owner's")));
    const membersTemplate = await member.post("/api/templates", dagTemplate(unique("Member's")));
    const mineToo = await member.post("/api/templates", dagTemplate(unique("Member's own")));

    const refused = await member.delete(`/api/templates/${ownersTemplate.json.template.id}`);
    expect([refused.status, refused.json.error.code]).toEqual([403, "forbidden"]);
    expect((await owner.get(`/api/templates/${ownersTemplate.json.template.id}`)).status).toBe(200);

    expect((await member.delete(`/api/templates/${mineToo.json.template.id}`)).status).toBe(204);
    expect((await owner.delete(`/api/templates/${membersTemplate.json.template.id}`)).status).toBe(
      204,
    );
    expect((await owner.get(`/api/templates/${membersTemplate.json.template.id}`)).status).toBe(
      404,
    );
    expect((await owner.delete(`/api/templates/${mineToo.json.template.id}`)).status).toBe(404);
  });

  it("keeps templates inside the team", async () => {
    const saved = await owner.post("/api/templates", dagTemplate(unique("Team A only")));
    const id = saved.json.template.id;
    expect((await other.get(`/api/templates/${id}`)).status).toBe(404);
    expect((await other.delete(`/api/templates/${id}`)).status).toBe(404);
    expect((await other.get("/api/templates")).json.templates).toEqual([]);
    // Another team's agent cannot be put in a template, even by id.
    const theirs = await other.post("/api/templates", dagTemplate(unique("Borrowed")));
    expect([theirs.status, theirs.json.error.field]).toEqual([422, "steps.0.agent"]);
    // The same name is free in another team.
    const otherAgent = (await other.get("/api/agents")).json.agents[0].id;
    const same = await other.post("/api/templates", {
      name: saved.json.template.name,
      mode: "parallel",
      steps: [{ key: "x", agent: otherAgent }],
    });
    expect(same.status).toBe(201);
    expect((await owner.get(`/api/templates/${id}`)).status).toBe(200);
  });
});
