import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createSemaphore, runPlan, type Plan, type RunOptions } from "@/lib/orchestrator";
import { agent, answer, createFakeCaller, drain, ofType, type Respond } from "./fake-caller";

const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

function options(respond: Respond, overrides: Partial<RunOptions> = {}) {
  const fake = createFakeCaller(respond);
  const opts: RunOptions = {
    runId: "run-2",
    caller: fake.caller,
    semaphore: createSemaphore(8),
    backoff: { jitter: "none" },
    ...overrides,
  };
  return { fake, opts };
}

const dag: Plan = {
  mode: "dag",
  task: "T",
  steps: [
    { key: "research", agent: agent("researcher"), dependsOn: [] },
    { key: "draft", agent: agent("writer"), dependsOn: ["research"] },
    { key: "review", agent: agent("critic"), dependsOn: ["draft"] },
  ],
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("runPlan with completed steps", () => {
  it("does not call a completed step, and ends it at once as a copied step-end", async () => {
    const { fake, opts } = options((call) => answer(call, `answer ${call.index}`), {
      completed: new Map([["research", { output: "the facts", model: "claude-fallback" }]]),
    });
    const events = await drain(runPlan(dag, opts), advance);

    expect(fake.calls.map((c) => c.request.system)).toEqual(["You are writer.", "You are critic."]);
    expect(ofType(events, "step-start").map((e) => e.stepKey)).toEqual(["draft", "review"]);
    const ends = ofType(events, "step-end");
    expect(ends.map((e) => e.stepKey)).toEqual(["research", "draft", "review"]);
    expect(ends[0]).toMatchObject({
      output: "the facts",
      copied: true,
      attempts: [],
      inputTokens: 0,
      outputTokens: 0,
      model: "claude-fallback",
      stopReason: "end_turn",
    });
    expect(ends[1]?.copied).toBeUndefined();
    // The copied step ends right after run-start, before anything is called.
    expect(events[1]).toMatchObject({ type: "step-end", stepKey: "research" });
  });

  it("does not call a step that had failed (a resumed run): it ends copied, its dependants skipped", async () => {
    const { fake, opts } = options((call) => answer(call, `answer ${call.index}`), {
      completed: new Map([
        ["research", { output: "the facts" }],
        [
          "draft",
          { output: "", error: { code: "upstream_invalid_request" as const, message: "too long" } },
        ],
      ]),
    });
    const events = await drain(runPlan(dag, opts), advance);

    expect(fake.calls).toEqual([]);
    const errors = ofType(events, "step-error");
    expect(errors.map((e) => [e.stepKey, e.code, e.copied, e.skipped])).toEqual([
      ["draft", "upstream_invalid_request", true, undefined],
      ["review", "cancelled", undefined, true],
    ]);
    expect(events.at(-1)).toMatchObject({ type: "run-end", status: "partial" });
  });

  it("continues the seq after afterSeq (a resumed run continues its event log)", async () => {
    const { opts } = options((call) => answer(call, "ok"), { afterSeq: 41 });
    const events = await drain(runPlan(dag, opts), advance);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => 42 + i));
  });

  it("gives a dependant of a completed step that step's output", async () => {
    const { fake, opts } = options((call) => answer(call, `answer ${call.index}`), {
      completed: new Map([["research", { output: "the facts" }]]),
    });
    await drain(runPlan(dag, opts), advance);

    expect(fake.calls[0]?.content).toContain(
      '<previous_answer step="research" agent="researcher">\nthe facts\n</previous_answer>',
    );
    expect(fake.calls[1]?.content).toContain("answer 0");
  });

  it("counts only the called steps' tokens and ends succeeded when the others succeed", async () => {
    const { opts } = options((call) => answer(call, "ok", { inputTokens: 10, outputTokens: 5 }), {
      completed: new Map([["research", { output: "the facts" }]]),
    });
    const events = await drain(runPlan(dag, opts), advance);

    expect(events.at(-1)).toMatchObject({
      type: "run-end",
      status: "succeeded",
      inputTokens: 20,
      outputTokens: 10,
    });
  });

  it("runs nothing when every step is completed, and ignores keys not in the plan", async () => {
    const { fake, opts } = options((call) => answer(call, "never"), {
      completed: new Map([
        ["research", { output: "a" }],
        ["draft", { output: "b" }],
        ["review", { output: "c" }],
        ["gone", { output: "d" }],
      ]),
    });
    const events = await drain(runPlan(dag, opts), advance);

    expect(fake.calls).toHaveLength(0);
    expect(ofType(events, "step-end").map((e) => e.stepKey)).toEqual([
      "research",
      "draft",
      "review",
    ]);
    expect(events.at(-1)).toMatchObject({ type: "run-end", status: "succeeded" });
  });
});
