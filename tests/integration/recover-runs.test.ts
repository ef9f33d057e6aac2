import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "@/lib/db";
import { createMemoryEventLog } from "@/lib/runs/memory-event-log";
import { markStaleRunsInterrupted } from "@/lib/runs/recover-runs";
import { createTestDatabase, dbKind } from "../helpers/db";

let db: Database;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => db.close());

async function seedRun(status: "running" | "queued" | "succeeded", heartbeatAgoMs: number | null) {
  const team = await db.prisma.team.upsert({
    where: { id: "t1" },
    create: { id: "t1", name: "T" },
    update: {},
  });
  return db.prisma.run.create({
    data: {
      teamId: team.id,
      mode: "parallel",
      task: "x",
      status,
      heartbeatAt: heartbeatAgoMs === null ? null : new Date(Date.now() - heartbeatAgoMs),
      steps: {
        create: [
          {
            key: "step-1",
            position: 0,
            agentName: "a",
            agentSnapshot: {},
            status: status === "succeeded" ? "succeeded" : "running",
          },
        ],
      },
    },
  });
}

describe(`interrupted runs on ${dbKind}`, () => {
  it("marks runs whose server stopped beating as interrupted, and tells their viewers", async () => {
    const stale = await seedRun("running", 120_000);
    const orphanQueued = await seedRun("queued", null);
    const alive = await seedRun("running", 1_000);
    const mine = await seedRun("running", 120_000);
    const done = await seedRun("succeeded", 120_000);
    const eventLog = createMemoryEventLog();

    const ids = await markStaleRunsInterrupted({
      prisma: db.prisma,
      eventLog,
      activeRunIds: [mine.id],
    });

    expect(ids.sort()).toEqual([stale.id, orphanQueued.id].sort());
    const runs = await db.prisma.run.findMany({ include: { steps: true } });
    const status = Object.fromEntries(runs.map((r) => [r.id, r.status]));
    expect(status).toEqual({
      [stale.id]: "interrupted",
      [orphanQueued.id]: "interrupted",
      [alive.id]: "running",
      [mine.id]: "running",
      [done.id]: "succeeded",
    });
    // One word for one event (issue 13 #4): the run and its steps say interrupted. The step
    // status stays in its enum (cancelled: it did not finish); its code says why.
    const staleRun = runs.find((r) => r.id === stale.id)!;
    expect(staleRun.errorCode).toBe("interrupted");
    expect(staleRun.steps[0]).toMatchObject({ status: "cancelled", errorCode: "interrupted" });
    expect((await eventLog.since(stale.id, 0)).map((e) => e.type)).toEqual(["run-interrupted"]);
  });

  it("keeps the text a dead server's step had streamed, from the event log (issue 13 #3)", async () => {
    const stale = await seedRun("running", 120_000);
    await db.prisma.runStep.updateMany({
      where: { runId: stale.id },
      data: { agentSnapshot: { name: "a", model: "claude-sonnet-5-5" } },
    });
    const eventLog = createMemoryEventLog();
    const delta = (seq: number, text: string) =>
      eventLog.append({ type: "step-delta", runId: stale.id, seq, stepKey: "step-1", text });
    await delta(1, "Half ");
    await delta(2, "an answer");

    await markStaleRunsInterrupted({ prisma: db.prisma, eventLog, activeRunIds: [] });

    const run = await db.prisma.run.findUniqueOrThrow({
      where: { id: stale.id },
      include: { steps: true },
    });
    expect(run.steps[0]).toMatchObject({
      status: "cancelled",
      errorCode: "interrupted",
      partial: true,
      output: "Half an answer",
      outputTokens: 2,
    });
    expect(run.steps[0]!.costUsd).toBeGreaterThan(0);
    expect(run.costUsd).toBeCloseTo(run.steps[0]!.costUsd, 10);
  });
});
