import { describe, expect, it } from "vitest";
import { parseTagText } from "@/lib/query/run-manage";
import type { ComposerChoices } from "@/lib/query/run-input";
import { templateFromChoices, templatePrefill } from "@/lib/query/templates";
import { tagsSchema } from "@/lib/runs/run-tags";
import type { TemplateView } from "@/lib/templates/template-view";

const agents = [
  { id: "id-r", name: "researcher" },
  { id: "id-w", name: "writer" },
  { id: "id-c", name: "critic" },
];

const dagChoices: ComposerChoices = {
  agents: [agents[0]!, agents[1]!],
  mode: "dag",
  task: "Write about otters.",
  cacheMode: "refresh",
  deps: { "id-w": ["id-r", "id-c"] },
  inputs: { "id-w": "Be brief.", "id-r": "   " },
};

function asView(body: ReturnType<typeof templateFromChoices>): TemplateView {
  const nameOf = new Map(agents.map((a) => [a.id, a.name]));
  return {
    id: "tpl",
    name: body.name,
    mode: body.mode,
    task: body.task,
    cacheMode: body.cacheMode,
    steps: body.steps.map((s) => ({
      key: s.key,
      agentId: s.agent,
      agentName: nameOf.get(s.agent) ?? s.agent,
      dependsOn: s.dependsOn,
      input: s.input ?? null,
    })),
    missingAgents: [],
    createdBy: null,
    createdAt: "2026-12-02T00:00:00.000Z",
  };
}

describe("templateFromChoices", () => {
  it("saves a DAG's steps by agent, edges to chosen agents only, and non-blank instructions", () => {
    expect(templateFromChoices("Otters", dagChoices)).toEqual({
      name: "Otters",
      mode: "dag",
      task: "Write about otters.",
      cacheMode: "refresh",
      steps: [
        { key: "researcher", agent: "id-r", dependsOn: [] },
        { key: "writer", agent: "id-w", dependsOn: ["researcher"], input: "Be brief." },
      ],
    });
  });

  it("leaves edges and instructions out of a chain, keeping the chain's order", () => {
    const body = templateFromChoices("Chain", {
      ...dagChoices,
      mode: "chain",
      agents: [agents[1]!, agents[0]!],
    });
    expect(body.steps).toEqual([
      { key: "writer", agent: "id-w", dependsOn: [] },
      { key: "researcher", agent: "id-r", dependsOn: [] },
    ]);
  });
});

describe("templatePrefill", () => {
  it("brings a saved DAG back as the composer held it", () => {
    const prefill = templatePrefill(asView(templateFromChoices("Otters", dagChoices)), agents);
    expect(prefill).toMatchObject({
      mode: "dag",
      task: "Write about otters.",
      selected: ["id-r", "id-w"],
      deps: { "id-w": ["id-r"] },
      inputs: { "id-w": "Be brief." },
      notes: [],
    });
  });

  it("leaves out a step whose agent was deleted, names it, and drops edges to it", () => {
    const view = asView(templateFromChoices("Otters", dagChoices));
    const prefill = templatePrefill(
      view,
      agents.filter((a) => a.id !== "id-r"),
    );
    expect(prefill.selected).toEqual(["id-w"]);
    expect(prefill.deps).toEqual({});
    expect(prefill.notes.join("\n")).toContain('"researcher", which has been deleted');
  });
});

describe("tags", () => {
  it("splits typed text on commas and spaces, lowercased", () => {
    expect(parseTagText(" Bug, API  v2,, ")).toEqual(["bug", "api", "v2"]);
  });

  it("keeps valid tags in order without duplicates and refuses bad ones by index", () => {
    expect(tagsSchema.parse(["Q3", "q3", "release-1.2"])).toEqual(["q3", "release-1.2"]);
    const bad = tagsSchema.safeParse(["ok", "no spaces"]);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual([1]);
    expect(tagsSchema.safeParse(Array.from({ length: 11 }, (_, i) => `t${i}`)).success).toBe(false);
  });
});
