import { describe, expect, it } from "vitest";
import { estimateCostUsd } from "@/lib/cache/pricing";
import type { RunEvent } from "@/lib/orchestrator";
import {
  LeaseLostError,
  type ResumedFrom,
  type RunWrites,
  createRunRecorder,
} from "@/lib/runs/record-run-event";

/**
 * Captures every write the recorder makes, in order. `owner` is who owns the run's row: a run or
 * step write matches only while its where names that owner (the fencing).
 */
function fakeWrites(owner = { id: "instance-a" as string | null }) {
  const writes: {
    table: "run" | "runStep";
    key: string;
    data: Record<string, unknown>;
    owner?: unknown;
  }[] = [];
  const db: RunWrites = {
    run: {
      updateMany: async (args) => {
        if (args.where?.ownerId !== owner.id) return { count: 0 };
        writes.push({
          table: "run",
          key: String(args.where?.id),
          data: args.data as never,
          owner: args.where?.ownerId,
        });
        return { count: 1 };
      },
    },
    runStep: {
      updateMany: async (args) => {
        const run = args.where?.run as { is?: { ownerId?: string } } | undefined;
        if (run?.is?.ownerId !== owner.id) return { count: 0 };
        writes.push({
          table: "runStep",
          key: String(args.where?.key),
          data: args.data as never,
        });
        return { count: 1 };
      },
    },
  };
  return { db, writes };
}

const base = { runId: "r1" };
const attempt = (startedAt: number, durationMs: number) => ({ attempt: 1, startedAt, durationMs });
const stepEnd = (stepKey: string, cacheStatus: "miss" | "hit-db", output = "ok") =>
  ({
    ...base,
    seq: 0,
    type: "step-end",
    stepKey,
    output,
    attempts: [attempt(1_000, 250)],
    latencyMs: 250.4,
    ttftMs: 40.6,
    inputTokens: 1_000,
    outputTokens: 500,
    cacheStatus,
    stopReason: "end_turn",
  }) as RunEvent;

function recorder(options: { resumed?: ResumedFrom } = {}) {
  const owner = { id: "instance-a" as string | null };
  const { db, writes } = fakeWrites(owner);
  const rec = createRunRecorder({
    db,
    runId: "r1",
    instanceId: "instance-a",
    models: new Map([
      ["step-1", "claude-sonnet-4-5"],
      ["step-2", "claude-sonnet-4-5"],
    ]),
    ...options,
  });
  return { rec, writes, owner };
}

const runEnd = {
  ...base,
  seq: 9,
  type: "run-end",
  status: "succeeded",
  latencyMs: 300,
  inputTokens: 2_000,
  outputTokens: 1_000,
} as const;

describe("createRunRecorder", () => {
  it("marks the run running at run-start, only while this instance owns its row", async () => {
    const { rec, writes } = recorder();
    await rec.record({ ...base, seq: 1, type: "run-start", at: 5_000, steps: [] });
    expect(writes).toEqual([
      {
        table: "run",
        key: "r1",
        owner: "instance-a",
        data: expect.objectContaining({ status: "running", startedAt: new Date(5_000) }),
      },
    ]);
  });

  it("writes no end for a run another process claimed (fencing): it throws LeaseLostError", async () => {
    const { rec, writes, owner } = recorder();
    await rec.record(stepEnd("step-1", "miss"));
    owner.id = "instance-b";
    await expect(rec.record(runEnd)).rejects.toBeInstanceOf(LeaseLostError);
    expect(writes.filter((w) => w.table === "run")).toEqual([]);
  });

  it("writes no step for a run another process claimed: the step write throws LeaseLostError", async () => {
    const { rec, writes, owner } = recorder();
    await rec.record(stepEnd("step-1", "miss"));
    owner.id = "instance-b";
    await expect(rec.record(stepEnd("step-2", "miss"))).rejects.toBeInstanceOf(LeaseLostError);
    expect(writes.map((w) => w.key)).toEqual(["step-1"]);
  });

  it("writes nothing for a step a resumed run copied: its row has it already", async () => {
    const { rec, writes } = recorder();
    await rec.record({ ...stepEnd("step-1", "miss"), copied: true } as RunEvent);
    await rec.record({
      ...base,
      seq: 3,
      type: "step-error",
      stepKey: "step-2",
      code: "upstream_invalid_request",
      message: "too long",
      attempts: [],
      latencyMs: 0,
      copied: true,
    });
    expect(writes).toEqual([]);
  });

  it("keeps a resumed run's start, its steps' earlier attempts and what its finished steps billed", async () => {
    const earlier = { attempt: 1, startedAt: 1, durationMs: 5, errorCode: "interrupted" };
    const { rec, writes } = recorder({
      resumed: {
        priorAttempts: new Map([["step-1", [earlier]]]),
        carried: { cost: 0.5, inputTokens: 10, outputTokens: 20 },
      },
    });
    await rec.record({ ...base, seq: 5, type: "run-start", at: 5_000, steps: [] });
    await rec.record({ ...base, seq: 6, type: "step-start", stepKey: "step-1", attempt: 1, at: 7 });
    await rec.record(stepEnd("step-1", "hit-db"));
    await rec.record(runEnd);
    expect(writes[0]!.data).not.toHaveProperty("startedAt");
    expect(writes[1]!.data).toEqual({ status: "running", attempts: 2 });
    expect(writes[2]!.data).toMatchObject({
      attempts: 2,
      attemptLog: [earlier, { attempt: 1, startedAt: 1_000, durationMs: 250 }],
    });
    expect(writes[3]!.data).toMatchObject({
      costUsd: 0.5,
      inputTokens: 2_010,
      outputTokens: 1_020,
    });
  });

  it("stamps a step's start on its first attempt only", async () => {
    const { rec, writes } = recorder();
    await rec.record({ ...base, seq: 2, type: "step-start", stepKey: "step-1", attempt: 1, at: 7 });
    await rec.record({ ...base, seq: 3, type: "step-start", stepKey: "step-1", attempt: 2, at: 9 });
    expect(writes.map((w) => w.data)).toEqual([
      { status: "running", attempts: 1, startedAt: new Date(7) },
      { status: "running", attempts: 2 },
    ]);
  });

  it("records a step's outcome, ends it when its last attempt ended, and prices only misses", async () => {
    const { rec, writes } = recorder();
    await rec.record(stepEnd("step-1", "miss"));
    await rec.record(stepEnd("step-2", "hit-db"));
    const price = estimateCostUsd("claude-sonnet-4-5", 1_000, 500);
    expect(writes[0]).toMatchObject({
      table: "runStep",
      key: "step-1",
      data: {
        status: "succeeded",
        latencyMs: 250,
        ttftMs: 41,
        costUsd: price,
        endedAt: new Date(1_250),
      },
    });
    expect(writes[1]?.data.costUsd).toBe(0);

    await rec.record(runEnd);
    expect(writes[2]).toMatchObject({
      table: "run",
      data: { status: "succeeded", costUsd: price, ownerId: null },
    });
  });

  it("stores the model that answered and prices the step at its rates", async () => {
    const { rec, writes } = recorder();
    await rec.record({ ...stepEnd("step-1", "miss"), model: "claude-haiku-4-5" } as RunEvent);
    // An event from before fallbacks names no model: the agent's answered.
    await rec.record(stepEnd("step-2", "miss"));
    expect(writes.map((w) => [w.data.answeredModel, w.data.costUsd])).toEqual([
      ["claude-haiku-4-5", estimateCostUsd("claude-haiku-4-5", 1_000, 500)],
      ["claude-sonnet-4-5", estimateCostUsd("claude-sonnet-4-5", 1_000, 500)],
    ]);
    expect(estimateCostUsd("claude-haiku-4-5", 1_000, 500)).not.toBe(
      estimateCostUsd("claude-sonnet-4-5", 1_000, 500),
    );
  });

  it("tells failed, cancelled and skipped steps apart", async () => {
    const { rec, writes } = recorder();
    const error = (code: "upstream_error" | "cancelled", skipped?: true) =>
      ({
        ...base,
        seq: 0,
        type: "step-error",
        stepKey: "step-1",
        code,
        message: "no",
        attempts: [],
        latencyMs: 0,
        ...(skipped ? { skipped } : {}),
      }) as RunEvent;
    await rec.record(error("upstream_error"));
    await rec.record(error("cancelled"));
    await rec.record(error("cancelled", true));
    expect(writes.map((w) => w.data.status)).toEqual(["failed", "cancelled", "skipped"]);
  });

  it("keeps a partial answer's text, tokens and cost, and adds them to the run (issue 13 #3)", async () => {
    const { rec, writes } = recorder();
    const usage = {
      inputTokens: 1_000,
      outputTokens: 40,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      cacheReadTokens: 0,
    };
    await rec.record({
      ...base,
      seq: 3,
      type: "step-error",
      stepKey: "step-1",
      code: "cancelled",
      message: "The run was cancelled.",
      attempts: [{ ...attempt(1_000, 90), errorCode: "cancelled" }],
      latencyMs: 90,
      partial: {
        output: "Half",
        ttftMs: 12,
        inputTokens: 1_000,
        outputTokens: 40,
        usage,
        cacheStatus: "miss",
      },
    });
    await rec.record({
      ...base,
      seq: 4,
      type: "run-end",
      status: "cancelled",
      latencyMs: 100,
      inputTokens: 0,
      outputTokens: 0,
    });
    const price = estimateCostUsd("claude-sonnet-4-5", 1_000, 40);
    expect(writes[0]!.data).toMatchObject({
      status: "cancelled",
      partial: true,
      output: "Half",
      inputTokens: 1_000,
      outputTokens: 40,
    });
    expect(writes[0]!.data.costUsd).toBeCloseTo(price, 10);
    expect(writes[1]!.data).toMatchObject({ inputTokens: 1_000, outputTokens: 40 });
    expect(writes[1]!.data.costUsd).toBeCloseTo(price, 10);
  });

  it("writes nothing for deltas and retries", async () => {
    const { rec, writes } = recorder();
    await rec.record({ ...base, seq: 4, type: "step-delta", stepKey: "step-1", text: "Hi" });
    await rec.record({
      ...base,
      seq: 5,
      type: "step-retry",
      stepKey: "step-1",
      attempt: 2,
      errorCode: "upstream_overloaded",
      delayMs: 100,
    });
    expect(writes).toEqual([]);
  });
});
