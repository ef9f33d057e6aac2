import { describe, expect, it } from "vitest";
import { findCycle } from "@/lib/query/dag";
import { buildRunInput, type ComposerChoices, composerProblem } from "@/lib/query/run-input";
import { MAX_TASK_CHARS } from "@/lib/query/runs";

const A = { id: "id-a", name: "alpha" };
const B = { id: "id-b", name: "beta" };
const C = { id: "id-c", name: "gamma" };

const choices = (over: Partial<ComposerChoices> = {}): ComposerChoices => ({
  agents: [A, B],
  mode: "parallel",
  task: "Summarise this.",
  cacheMode: "default",
  deps: {},
  ...over,
});

describe("buildRunInput", () => {
  it("sends the agents by id in the order picked, and no cache field by default", () => {
    expect(buildRunInput(choices({ agents: [B, A], mode: "chain" }))).toEqual({
      ok: true,
      input: { mode: "chain", task: "Summarise this.", agents: ["id-b", "id-a"] },
    });
  });

  it("sends a non-default cache mode", () => {
    const built = buildRunInput(choices({ cacheMode: "bypass" }));
    expect(built.ok && built.input.cache).toEqual({ mode: "bypass" });
  });

  it("turns a DAG into steps keyed by agent name, depending by name", () => {
    const built = buildRunInput(
      choices({ agents: [A, B, C], mode: "dag", deps: { "id-c": ["id-a", "id-b"] } }),
    );
    expect(built).toEqual({
      ok: true,
      input: {
        mode: "dag",
        task: "Summarise this.",
        steps: [
          { key: "alpha", agent: "id-a", dependsOn: [] },
          { key: "beta", agent: "id-b", dependsOn: [] },
          { key: "gamma", agent: "id-c", dependsOn: ["alpha", "beta"] },
        ],
      },
    });
  });

  it("drops dependencies on agents no longer chosen", () => {
    const built = buildRunInput(choices({ agents: [B], mode: "dag", deps: { "id-b": ["id-a"] } }));
    expect(built.ok && built.input.mode === "dag" && built.input.steps[0]!.dependsOn).toEqual([]);
  });

  it("keeps the task as typed (the server trims nothing the user sees)", () => {
    const built = buildRunInput(choices({ task: "  spaced  " }));
    expect(built.ok && built.input.task).toBe("  spaced  ");
  });
});

describe("composerProblem", () => {
  it("asks for an agent first, then a task", () => {
    expect(composerProblem(choices({ agents: [], task: "" }))).toBe("Pick at least one agent.");
    expect(composerProblem(choices({ task: "   " }))).toBe("Write a task.");
  });

  it("says how many characters too long the task is", () => {
    const task = "x".repeat(MAX_TASK_CHARS + 1234);
    expect(composerProblem(choices({ task }))).toBe("The task is 1,234 characters too long.");
    expect(composerProblem(choices({ task: "x".repeat(MAX_TASK_CHARS) }))).toBeNull();
  });

  it("names the cycle in a DAG, and ignores the same edges outside DAG mode", () => {
    const deps = { "id-a": ["id-b"], "id-b": ["id-a"] };
    expect(composerProblem(choices({ mode: "dag", deps }))).toBe(
      "The steps depend on each other in a cycle: alpha → beta → alpha.",
    );
    expect(composerProblem(choices({ mode: "parallel", deps }))).toBeNull();
    expect(buildRunInput(choices({ mode: "dag", deps })).ok).toBe(false);
  });
});

describe("findCycle", () => {
  it("finds none in a diamond", () => {
    expect(findCycle({ a: [], b: ["a"], c: ["a"], d: ["b", "c"] })).toBeNull();
  });

  it("finds a self-loop", () => {
    expect(findCycle({ a: ["a"] })).toEqual(["a", "a"]);
  });
});
