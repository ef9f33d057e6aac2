import { describe, expect, it } from "vitest";
import { initialRunState, type LiveRun, runReducer } from "@/lib/query/run-state";
import type { RunDetail, RunStepView } from "@/lib/runs/run-view";
import type { RunStreamEvent } from "@/lib/runs/stream-events";

const RUN = "run-1";
const T0 = 1_700_000_000_000;

type Distribute<T> = T extends unknown ? Omit<T, "runId" | "seq"> : never;
const ev = (seq: number, event: Distribute<RunStreamEvent>) =>
  ({ ...event, runId: RUN, seq }) as RunStreamEvent;

function apply(events: RunStreamEvent[], receivedAt = T0, start = initialRunState(RUN)): LiveRun {
  return events.reduce((s, event) => runReducer(s, { type: "event", event, receivedAt }), start);
}

const runStart = ev(1, {
  type: "run-start",
  at: T0,
  steps: [
    { key: "a", agentName: "alpha", model: "claude-sonnet-5-5", dependsOn: [] },
    { key: "b", agentName: "beta", model: "claude-haiku-5-5", dependsOn: ["a"] },
  ],
});

/** Step "a" starts its first attempt, right after runStart. */
const aStarts = ev(2, { type: "step-start", stepKey: "a", attempt: 1, at: T0 });

/** Step "a" ends with the model's figures (`over` changes some). */
const aEnds = (seq: number, over: Partial<Extract<RunStreamEvent, { type: "step-end" }>> = {}) =>
  ev(seq, {
    type: "step-end",
    stepKey: "a",
    output: "full answer",
    attempts: [{ attempt: 1, startedAt: T0, durationMs: 90 }],
    latencyMs: 100,
    ttftMs: 30,
    inputTokens: 12,
    outputTokens: 34,
    cacheStatus: "miss",
    stopReason: "max_tokens",
    ...over,
  });

function stepView(over: Partial<RunStepView>): RunStepView {
  return {
    key: "a",
    position: 0,
    agentId: "agent-a",
    agentName: "alpha",
    agent: {
      name: "alpha",
      model: "claude-sonnet-5-5",
      system: "",
      temperature: 0,
      maxTokens: 100,
    },
    dependsOn: [],
    status: "succeeded",
    output: "stored answer",
    partial: false,
    copied: false,
    input: null,
    errorCode: null,
    errorMessage: null,
    attempts: 1,
    attemptLog: [],
    cacheStatus: "miss",
    latencyMs: 120,
    ttftMs: 40,
    inputTokens: 10,
    outputTokens: 20,
    costUsd: 0.001,
    // A row stored before steps kept their stop reason.
    stopReason: null,
    answeredModel: null,
    startedAt: new Date(T0).toISOString(),
    endedAt: new Date(T0 + 120).toISOString(),
    ...over,
  };
}

function detail(over: Partial<RunDetail> = {}): RunDetail {
  return {
    id: RUN,
    title: "the task",
    titled: false,
    tags: [],
    mode: "parallel",
    task: "the task",
    status: "succeeded",
    agentNames: ["alpha"],
    createdAt: new Date(T0).toISOString(),
    startedAt: new Date(T0).toISOString(),
    endedAt: new Date(T0 + 500).toISOString(),
    latencyMs: 500,
    inputTokens: 10,
    outputTokens: 20,
    costUsd: 0.001,
    cachedSteps: 0,
    stepCount: 1,
    errorCode: null,
    errorMessage: null,
    rerunOfId: null,
    steps: [stepView({})],
    ...over,
  };
}

describe("runReducer", () => {
  it("lists the steps as pending when the run starts", () => {
    const state = apply([runStart]);
    expect(state.status).toBe("running");
    expect(state.steps.map((s) => [s.key, s.status, s.model])).toEqual([
      ["a", "pending", "claude-sonnet-5-5"],
      ["b", "pending", "claude-haiku-5-5"],
    ]);
    expect(state.lastSeq).toBe(1);
  });

  it("appends streamed text in order and marks the step running", () => {
    const state = apply([
      runStart,
      aStarts,
      ev(3, { type: "step-delta", stepKey: "a", text: "Hello, " }),
      ev(4, { type: "step-delta", stepKey: "a", text: "world" }),
    ]);
    const a = state.steps[0]!;
    expect(a.status).toBe("running");
    expect(a.output).toBe("Hello, world");
    expect(a.attempts).toBe(1);
  });

  it("ignores events at or below the last applied seq, so a replay changes nothing", () => {
    const events = [runStart, aStarts, ev(3, { type: "step-delta", stepKey: "a", text: "once" })];
    const once = apply(events);
    const twice = apply(events, T0, once);
    expect(twice).toBe(once);
    expect(twice.steps[0]!.output).toBe("once");
  });

  it("shows a retry between attempts and clears it when the next attempt starts", () => {
    const retrying = apply([
      runStart,
      aStarts,
      ev(3, {
        type: "step-retry",
        stepKey: "a",
        attempt: 1,
        errorCode: "upstream_overloaded",
        delayMs: 500,
      }),
    ]);
    expect(retrying.steps[0]!.status).toBe("retrying");
    expect(retrying.steps[0]!.retry).toEqual({
      attempt: 1,
      errorCode: "upstream_overloaded",
      delayMs: 500,
    });
    const again = apply(
      [ev(4, { type: "step-start", stepKey: "a", attempt: 2, at: T0 + 600 })],
      T0 + 600,
      retrying,
    );
    expect(again.steps[0]!.status).toBe("running");
    expect(again.steps[0]!.retry).toBeNull();
    expect(again.steps[0]!.attempts).toBe(2);
  });

  it("takes the model's figures and stop reason from step-end", () => {
    const state = apply([runStart, aStarts, aEnds(3)]);
    const a = state.steps[0]!;
    expect(a).toMatchObject({
      status: "succeeded",
      output: "full answer",
      latencyMs: 100,
      ttftMs: 30,
      inputTokens: 12,
      outputTokens: 34,
      cacheStatus: "miss",
      stopReason: "max_tokens",
    });
  });

  it("names the fallback a step switches to, and the model that answered", () => {
    const switching = apply([
      runStart,
      aStarts,
      ev(3, {
        type: "step-retry",
        stepKey: "a",
        attempt: 1,
        errorCode: "upstream_overloaded",
        delayMs: 0,
        model: "claude-haiku-5-5",
      }),
    ]);
    expect(switching.steps[0]?.retry).toMatchObject({ delayMs: 0, model: "claude-haiku-5-5" });
    const ended = apply([aEnds(4, { model: "claude-haiku-5-5" })], T0, switching);
    expect(ended.steps[0]?.answeredModel).toBe("claude-haiku-5-5");
    // An event from before fallbacks: the agent's own model answered.
    expect(apply([runStart, aStarts, aEnds(3)]).steps[0]?.answeredModel).toBe("claude-sonnet-5-5");
    const stored = runReducer(initialRunState(RUN), { type: "detail", run: detail() });
    expect(stored.steps[0]?.answeredModel).toBe(null);
  });

  it("keeps the streamed stop reason when a stored row from before the column has none", () => {
    const streamed = apply([runStart, aEnds(2, { output: "cut" })]);
    const stored = runReducer(streamed, { type: "detail", run: detail() });
    expect(stored.steps[0]!.output).toBe("stored answer");
    expect(stored.steps[0]!.stopReason).toBe("max_tokens");
  });

  it("marks failed, cancelled and skipped steps apart", () => {
    const error = (
      seq: number,
      stepKey: string,
      code: "upstream_error" | "cancelled",
      skip = false,
    ) =>
      ev(seq, {
        type: "step-error",
        stepKey,
        code,
        message: "m",
        attempts: [],
        latencyMs: 5,
        ...(skip ? { skipped: true as const } : {}),
      });
    const failed = apply([runStart, error(2, "a", "upstream_error")]);
    expect(failed.steps[0]!.status).toBe("failed");
    const cancelled = apply([runStart, error(2, "a", "cancelled")]);
    expect(cancelled.steps[0]!.status).toBe("cancelled");
    const skipped = apply([runStart, error(2, "b", "cancelled", true)]);
    expect(skipped.steps[1]!.status).toBe("skipped");
  });

  it("keeps a cancelled step's streamed text and billed tokens, marked partial (issue 13 #3)", () => {
    const usage = {
      inputTokens: 12,
      outputTokens: 2,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      cacheReadTokens: 0,
    };
    const state = apply([
      runStart,
      aStarts,
      ev(3, { type: "step-delta", stepKey: "a", text: "Half an " }),
      ev(4, { type: "step-delta", stepKey: "a", text: "answer" }),
      ev(5, {
        type: "step-error",
        stepKey: "a",
        code: "cancelled",
        message: "The run was cancelled.",
        attempts: [{ attempt: 1, startedAt: T0, durationMs: 40, errorCode: "cancelled" }],
        latencyMs: 40,
        partial: {
          output: "Half an answer",
          ttftMs: 10,
          inputTokens: 12,
          outputTokens: 2,
          usage,
          cacheStatus: "miss",
        },
      }),
    ]);
    const a = state.steps[0]!;
    expect([a.status, a.partial, a.output]).toEqual(["cancelled", true, "Half an answer"]);
    expect([a.inputTokens, a.outputTokens]).toEqual([12, 2]);
  });

  it("reads a stored partial step as partial", () => {
    const state = runReducer(initialRunState(RUN), {
      type: "detail",
      run: detail({ steps: [stepView({ status: "failed", partial: true, output: "so far" })] }),
    });
    expect([state.steps[0]!.partial, state.steps[0]!.output]).toEqual([true, "so far"]);
  });

  it("ends the run and cancels the steps still in flight", () => {
    const state = apply([
      runStart,
      aStarts,
      ev(3, {
        type: "run-end",
        status: "cancelled",
        latencyMs: 250,
        inputTokens: 0,
        outputTokens: 0,
      }),
    ]);
    expect(state.status).toBe("cancelled");
    expect(state.latencyMs).toBe(250);
    expect(state.endedAtMs).toBe(T0 + 250);
    expect(state.steps.map((s) => s.status)).toEqual(["cancelled", "cancelled"]);
  });

  it("marks the run interrupted with the server's message", () => {
    const state = apply([runStart, ev(2, { type: "run-interrupted", message: "server stopped" })]);
    expect(state.status).toBe("interrupted");
    expect(state.errorMessage).toBe("server stopped");
  });

  it("calls the steps an interrupted run stopped interrupted, not cancelled (issue 13 #4)", () => {
    // On shutdown the server aborts the run first: its step ends "cancelled", then the run is
    // marked interrupted. Both the aborted step and the one never started read "interrupted".
    const aborted = ev(3, {
      type: "step-error",
      stepKey: "a",
      code: "cancelled",
      message: "cancelled",
      attempts: [],
      latencyMs: 5,
    });
    const state = apply([
      runStart,
      aStarts,
      aborted,
      ev(4, { type: "run-interrupted", message: "the server stopped" }),
    ]);
    expect(state.steps.map((s) => [s.status, s.errorCode])).toEqual([
      ["interrupted", "interrupted"],
      ["interrupted", "interrupted"],
    ]);
    expect(state.steps[0]!.errorMessage).toBe("the server stopped");
  });

  it("reads a stored step the server marked interrupted as interrupted", () => {
    const stored = detail();
    stored.status = "interrupted";
    stored.steps = [stepView({ status: "cancelled", errorCode: "interrupted", output: "" })];
    const state = runReducer(initialRunState(RUN), { type: "detail", run: stored });
    expect(state.steps[0]!.status).toBe("interrupted");
  });

  it("replaces everything with a snapshot but keeps counting seqs", () => {
    const state = apply([runStart, ev(5, { type: "run-snapshot", run: detail() })]);
    expect(state.status).toBe("succeeded");
    expect(state.steps).toHaveLength(1);
    expect(state.steps[0]!.output).toBe("stored answer");
    expect(state.lastSeq).toBe(5);
  });

  it("takes the stored run before any event, and only its task and mode mid-stream", () => {
    const fresh = runReducer(initialRunState(RUN), { type: "detail", run: detail() });
    expect(fresh.steps[0]!.output).toBe("stored answer");
    expect(fresh.costUsd).toBe(0.001);

    const streaming = apply([runStart, ev(2, { type: "step-delta", stepKey: "a", text: "live" })]);
    const merged = runReducer(streaming, {
      type: "detail",
      run: detail({ status: "running", task: "stored task" }),
    });
    expect(merged.task).toBe("stored task");
    expect(merged.steps[0]!.output).toBe("live");
  });

  it("does not sum a running run's stored cost (it covers only some steps)", () => {
    const state = runReducer(initialRunState(RUN), {
      type: "detail",
      run: detail({ status: "running", costUsd: 0.5 }),
    });
    expect(state.costUsd).toBeNull();
  });

  it("orders stored steps by position", () => {
    const state = runReducer(initialRunState(RUN), {
      type: "detail",
      run: detail({
        steps: [stepView({ key: "second", position: 1 }), stepView({ key: "first", position: 0 })],
      }),
    });
    expect(state.steps.map((s) => s.key)).toEqual(["first", "second"]);
  });

  it("measures time to first text when the attempt was seen live", () => {
    const state = [
      { event: runStart, at: T0 },
      { event: aStarts, at: T0 + 10 },
      { event: ev(3, { type: "step-delta", stepKey: "a", text: "x" }), at: T0 + 310 },
      { event: ev(4, { type: "step-delta", stepKey: "a", text: "y" }), at: T0 + 900 },
    ].reduce(
      (s, { event, at }) => runReducer(s, { type: "event", event, receivedAt: at }),
      initialRunState(RUN),
    );
    expect(state.steps[0]!.liveTtftMs).toBe(300);
  });

  it("gives no live time to first text on a replay of old events", () => {
    const late = T0 + 60_000;
    const state = apply(
      [runStart, aStarts, ev(3, { type: "step-delta", stepKey: "a", text: "x" })],
      late,
    );
    expect(state.steps[0]!.liveTtftMs).toBeNull();
  });

  it("changes only the connection state on connection actions, and not at all when unchanged", () => {
    const start = initialRunState(RUN);
    const open = runReducer(start, { type: "connection", state: "open" });
    expect(open.connection).toBe("open");
    expect(runReducer(open, { type: "connection", state: "open" })).toBe(open);
  });
});
