import { describe, expect, it } from "vitest";
import { buildRunInput } from "@/lib/query/run-input";
import { composerPrefill } from "@/lib/query/run-prefill";
import type { RunDetail } from "@/lib/runs/run-view";

type Step = RunDetail["steps"][number];
const step = (over: Partial<Step>): Step =>
  ({ position: 0, dependsOn: [], input: null, ...over }) as Step;

const agents = [
  { id: "id-r", name: "researcher" },
  { id: "id-w", name: "writer" },
];

const dagRun = {
  mode: "dag" as const,
  task: "Write about otters.",
  steps: [
    step({
      key: "draft",
      position: 1,
      agentId: "id-w",
      agentName: "writer",
      dependsOn: ["facts"],
      input: "Be brief.",
    }),
    step({ key: "facts", position: 0, agentId: "id-r", agentName: "researcher" }),
  ],
};

describe("composerPrefill", () => {
  it("carries the mode, task, agents in step order and the DAG's keys, dependencies and instructions", () => {
    expect(composerPrefill(dagRun, agents)).toEqual({
      mode: "dag",
      task: "Write about otters.",
      selected: ["id-r", "id-w"],
      deps: { "id-w": ["id-r"] },
      inputs: { "id-w": "Be brief." },
      keys: { "id-r": "facts", "id-w": "draft" },
      notes: [],
    });
  });

  it("leaves out a step whose agent was deleted, with a note, and drops dependencies on it", () => {
    const prefill = composerPrefill(dagRun, [agents[1]!]);
    expect(prefill.selected).toEqual(["id-w"]);
    expect(prefill.deps).toEqual({});
    expect(prefill.notes).toEqual([
      'Step "facts" used the agent "researcher", which has been deleted: it is left out.',
      'Step "draft" no longer depends on "facts".',
    ]);
  });

  it("treats a step whose agent link is gone (null) as deleted", () => {
    const run = { ...dagRun, steps: [step({ key: "facts", agentId: null, agentName: "old" })] };
    expect(composerPrefill(run, agents).notes[0]).toMatch(/"old", which has been deleted/);
  });

  it("keeps one step per agent, noting the second", () => {
    const run = {
      mode: "parallel" as const,
      task: "T",
      steps: [
        step({ key: "step-1", agentId: "id-r", agentName: "researcher" }),
        step({ key: "step-2", position: 1, agentId: "id-r", agentName: "researcher" }),
      ],
    };
    const prefill = composerPrefill(run, agents);
    expect(prefill.selected).toEqual(["id-r"]);
    expect(prefill.keys).toEqual({});
    expect(prefill.notes).toHaveLength(1);
  });

  it("builds a run input that keeps the step keys and instructions", () => {
    const p = composerPrefill(dagRun, agents);
    const built = buildRunInput({
      agents: p.selected.map((id) => agents.find((a) => a.id === id)!),
      mode: p.mode,
      task: p.task,
      cacheMode: "default",
      deps: p.deps,
      inputs: p.inputs,
      keys: p.keys,
    });
    expect(built).toEqual({
      ok: true,
      input: {
        mode: "dag",
        task: "Write about otters.",
        steps: [
          { key: "facts", agent: "id-r", dependsOn: [] },
          { key: "draft", agent: "id-w", dependsOn: ["facts"], input: "Be brief." },
        ],
      },
    });
  });
});
