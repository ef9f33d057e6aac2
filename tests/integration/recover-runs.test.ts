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
    expect(runs.find((r) => r.id === stale.id)?.steps[0]?.status).toBe("cancelled");
    expect((await eventLog.since(stale.id, 0)).map((e) => e.type)).toEqual(["run-interrupted"]);
  });
});
