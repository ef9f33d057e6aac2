import { describe, expect, it } from "vitest";
import { compilePlan, type DagStep } from "@/lib/orchestrator";
import { stepCacheControl, stepContent, stepRequest } from "@/lib/orchestrator/step-request";
import { agent } from "./fake-caller";

const dag = (steps: Array<Pick<DagStep, "key" | "dependsOn"> & { input?: string }>) =>
  compilePlan({
    mode: "dag",
    task: "T",
    steps: steps.map((step) => ({ ...step, agent: agent(step.key) })),
  });

function validationError(run: () => unknown) {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a validation error");
}

describe("compilePlan", () => {
  it("gives every parallel agent the task with no dependencies", () => {
    const plan = compilePlan({ mode: "parallel", task: "T", agents: [agent("a"), agent("b")] });
    expect(plan.steps.map((s) => [s.key, s.dependsOn])).toEqual([
      ["step-1", []],
      ["step-2", []],
    ]);
  });

  it("chains each agent to the one before it", () => {
    const plan = compilePlan({
      mode: "chain",
      task: "T",
      agents: [agent("a"), agent("b"), agent("c")],
    });
    expect(plan.steps.map((s) => s.dependsOn)).toEqual([[], ["step-1"], ["step-2"]]);
  });

  it("orders DAG steps so that every dependency comes first", () => {
    const plan = dag([
      { key: "report", dependsOn: ["facts", "critique"] },
      { key: "critique", dependsOn: ["facts"] },
      { key: "facts", dependsOn: [] },
    ]);
    expect(plan.steps.map((s) => s.key)).toEqual(["facts", "critique", "report"]);
  });

  it("reports a cycle with the keys that form it", () => {
    const error = validationError(() =>
      dag([
        { key: "a", dependsOn: [] },
        { key: "b", dependsOn: ["a", "d"] },
        { key: "c", dependsOn: ["b"] },
        { key: "d", dependsOn: ["c"] },
      ]),
    );
    expect(error).toMatchObject({
      code: "validation_failed",
      field: "steps",
      details: { cycle: ["b", "d", "c", "b"] },
    });
  });

  it("treats a step that depends on itself as a cycle", () => {
    expect(validationError(() => dag([{ key: "a", dependsOn: ["a"] }]))).toMatchObject({
      details: { cycle: ["a", "a"] },
    });
  });

  it("rejects an unknown dependency, naming the field", () => {
    expect(validationError(() => dag([{ key: "a", dependsOn: ["ghost"] }]))).toMatchObject({
      code: "validation_failed",
      field: "steps.0.dependsOn.0",
    });
  });

  it("rejects duplicate keys, naming the second one", () => {
    expect(
      validationError(() =>
        dag([
          { key: "a", dependsOn: [] },
          { key: "a", dependsOn: [] },
        ]),
      ),
    ).toMatchObject({ code: "validation_failed", field: "steps.1.key" });
  });

  it("rejects a plan without agents or steps", () => {
    expect(
      validationError(() => compilePlan({ mode: "parallel", task: "T", agents: [] })),
    ).toMatchObject({
      field: "agents",
    });
    expect(validationError(() => dag([]))).toMatchObject({ field: "steps" });
  });
});

describe("step requests", () => {
  it("gives a chained agent the task and the previous answer, clearly delimited", () => {
    const plan = compilePlan({
      mode: "chain",
      task: "Write a haiku.",
      agents: [agent("Poet"), agent("Editor")],
    });
    const second = plan.steps[1];
    if (!second) throw new Error("missing step");
    const content = stepContent(
      plan.task,
      second,
      new Map([["step-1", { agentName: "Poet", output: "An old silent pond" }]]),
    );
    expect(content).toBe(
      "<task>\nWrite a haiku.\n</task>\n\n" +
        '<previous_answer step="step-1" agent="Poet">\nAn old silent pond\n</previous_answer>',
    );
  });

  it("labels each DAG dependency by its step key and adds the step's own instructions", () => {
    const plan = dag([
      { key: "x", dependsOn: [] },
      { key: "y", dependsOn: [] },
      { key: "z", dependsOn: ["x", "y"], input: "Merge them." },
    ]);
    const z = plan.steps[2];
    if (!z) throw new Error("missing step");
    const content = stepContent(
      "T",
      z,
      new Map([
        ["x", { agentName: "X", output: "ex" }],
        ["y", { agentName: "Y", output: "why" }],
      ]),
    );
    expect(content).toContain("<instructions>\nMerge them.\n</instructions>");
    expect(content.indexOf('step="x"')).toBeLessThan(content.indexOf('step="y"'));
  });

  it("builds a Messages request from the agent snapshot, temperature included", () => {
    const plan = compilePlan({ mode: "parallel", task: "T", agents: [agent("a", "claude-x")] });
    const step = plan.steps[0];
    if (!step) throw new Error("missing step");
    expect(stepRequest("hello", step)).toEqual({
      model: "claude-x",
      system: "You are a.",
      messages: [{ role: "user", content: "hello" }],
      temperature: 0.5,
      max_tokens: 256,
    });
  });

  it("never caches an agent that disabled caching, even on a refresh run", () => {
    const plan = compilePlan({
      mode: "parallel",
      task: "T",
      agents: [
        { ...agent("a"), cache: { enabled: false } },
        { ...agent("b"), cache: { ttlSeconds: 60 } },
      ],
    });
    const [a, b] = plan.steps;
    if (!a || !b) throw new Error("missing step");
    expect(stepCacheControl(a, { mode: "refresh" })).toEqual({ mode: "bypass" });
    expect(stepCacheControl(b, { mode: "refresh" })).toEqual({ mode: "refresh", ttlSeconds: 60 });
  });
});
