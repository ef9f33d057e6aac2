import { describe, expect, it } from "vitest";
import { snapshotAgent, toAgentSnapshotView } from "@/lib/runs/agent-snapshot";
import { RUN_STATUSES, isFinished, isServedFromCache, isStepFinished } from "@/lib/runs/status";

describe("run and step status helpers", () => {
  it("calls a run finished in every state it never leaves, and only those", () => {
    expect(RUN_STATUSES.filter(isFinished)).toEqual([
      "succeeded",
      "partial",
      "failed",
      "cancelled",
      "interrupted",
    ]);
  });

  it("calls a step finished once it succeeded, failed, was cancelled or skipped", () => {
    expect((["pending", "running"] as const).some(isStepFinished)).toBe(false);
    expect((["succeeded", "failed", "cancelled", "skipped"] as const).every(isStepFinished)).toBe(
      true,
    );
  });

  it("counts memory, database and coalesced answers as served from the cache", () => {
    expect(["hit-memory", "hit-db", "coalesced"].every(isServedFromCache)).toBe(true);
    expect([null, undefined, "miss", "bypass"].some(isServedFromCache)).toBe(false);
  });
});

describe("agent snapshots", () => {
  const row = {
    id: "a1",
    name: "reviewer",
    model: "claude-sonnet-4-5",
    system: "Review.",
    temperature: 0,
    maxTokens: 512,
    cacheEnabled: null,
    cacheTtlSeconds: null,
    fallbackModels: [],
  };

  it("applies the default cache policy: cached at temperature 0, not above", () => {
    expect(snapshotAgent(row).cache).toEqual({ enabled: true });
    expect(snapshotAgent({ ...row, temperature: 0.7 }).cache).toEqual({ enabled: false });
    expect(
      snapshotAgent({ ...row, temperature: 0.7, cacheEnabled: true, cacheTtlSeconds: 60 }).cache,
    ).toEqual({ enabled: true, ttlSeconds: 60 });
  });

  it("shows the API the agent's fields without its cache policy", () => {
    expect(toAgentSnapshotView(snapshotAgent(row))).toEqual({
      id: "a1",
      name: "reviewer",
      model: "claude-sonnet-4-5",
      system: "Review.",
      temperature: 0,
      maxTokens: 512,
    });
  });
});
