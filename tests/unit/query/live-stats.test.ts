import { describe, expect, it } from "vitest";
import { estimateTokens, runTotals, stepStats } from "@/lib/query/live-stats";
import { initialRunState, type LiveStep } from "@/lib/query/run-state";

const step = (over: Partial<LiveStep>): LiveStep => ({
  key: "a",
  agentName: "alpha",
  model: "claude-sonnet-5-5",
  dependsOn: [],
  status: "running",
  output: "",
  partial: false,
  copied: false,
  attempts: 1,
  retry: null,
  errorCode: null,
  errorMessage: null,
  cacheStatus: null,
  latencyMs: null,
  ttftMs: null,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: null,
  stopReason: null,
  answeredModel: null,
  startedAtMs: null,
  liveTtftMs: null,
  attemptSeenAtMs: null,
  ...over,
});

describe("live stats", () => {
  it("estimates tokens at about four characters each", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abcd")).toBe(1);
    expect(estimateTokens("abcde")).toBe(2);
  });

  it("estimates a streaming step's tokens and cost from its text, marked as estimates", () => {
    const stats = stepStats(step({ output: "x".repeat(4000), liveTtftMs: 120 }));
    expect(stats).toEqual({
      ttftMs: 120,
      outputTokens: 1000,
      // Sonnet 5.5 list price: $10 per million output tokens (lib/spend/prices.json).
      costUsd: 0.01,
      estimated: true,
    });
  });

  it("uses the model's own figures once the step ended", () => {
    const stats = stepStats(
      step({ status: "succeeded", output: "done", ttftMs: 40, outputTokens: 7, costUsd: 0.002 }),
    );
    expect(stats).toEqual({ ttftMs: 40, outputTokens: 7, costUsd: 0.002, estimated: false });
  });

  it("adds estimates into the run's totals while streaming", () => {
    const run = {
      ...initialRunState("r"),
      steps: [
        step({ key: "a", status: "succeeded", inputTokens: 10, outputTokens: 20, costUsd: 0.01 }),
        step({ key: "b", output: "x".repeat(400) }),
      ],
    };
    const totals = runTotals(run);
    expect(totals.tokens).toBe(10 + 20 + 100);
    expect(totals.estimated).toBe(true);
    expect(totals.costUsd).toBeCloseTo(0.01 + 0.001, 10);
  });

  it("prefers the run's recorded cost once it has one", () => {
    const run = { ...initialRunState("r"), costUsd: 0.5, steps: [step({ status: "succeeded" })] };
    expect(runTotals(run)).toMatchObject({ costUsd: 0.5, estimated: false });
  });
});
