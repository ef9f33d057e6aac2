import { describe, expect, it } from "vitest";
import { runTimeline } from "@/lib/query/run-timeline";
import type { RunDetail, RunStepView } from "@/lib/runs/run-view";

const T0 = Date.parse("2026-12-01T08:00:00.000Z");
const iso = (ms: number) => new Date(T0 + ms).toISOString();

function step(over: Partial<RunStepView>): RunStepView {
  return {
    key: "a",
    position: 0,
    agentId: null,
    agentName: "alpha",
    agent: { name: "alpha", model: "m", system: "", temperature: 0, maxTokens: 10 },
    dependsOn: [],
    status: "succeeded",
    output: "x",
    partial: false,
    copied: false,
    input: null,
    errorCode: null,
    errorMessage: null,
    attempts: 1,
    attemptLog: [],
    cacheStatus: "miss",
    latencyMs: null,
    ttftMs: null,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    stopReason: "end_turn",
    answeredModel: null,
    startedAt: null,
    endedAt: null,
    ...over,
  };
}

const run = (steps: RunStepView[]) => ({ startedAt: iso(0), steps }) as unknown as RunDetail;

describe("runTimeline", () => {
  it("lays out queueing, a failed attempt, backoff, waiting and streaming on one axis", () => {
    const { totalMs, steps } = runTimeline(
      run([
        step({
          ttftMs: 30,
          endedAt: iso(400),
          attemptLog: [
            { attempt: 1, startedAt: T0 + 50, durationMs: 100, errorCode: "upstream_overloaded" },
            { attempt: 2, startedAt: T0 + 250, durationMs: 150 },
          ],
        }),
      ]),
    );
    expect(totalMs).toBe(400);
    expect(steps[0]!.endMs).toBe(400);
    expect(steps[0]!.phases.map((p) => [p.kind, p.startMs, p.durationMs])).toEqual([
      ["queued", 0, 50],
      ["attempt-failed", 50, 100],
      ["backoff", 150, 100],
      ["waiting", 250, 30],
      ["streaming", 280, 120],
    ]);
    expect(steps[0]!.phases[1]!.label).toContain("upstream_overloaded");
  });

  it("draws nothing for a run that never started", () => {
    const empty = runTimeline({ startedAt: null, steps: [step({})] } as unknown as RunDetail);
    expect(empty).toEqual({ totalMs: 0, steps: [] });
  });
});
