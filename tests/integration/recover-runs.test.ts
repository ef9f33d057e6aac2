/**
 * The run lease (lib/runs/lease) and the claim loop's pass (lib/runs/claim-runs) on a real
 * database: an expired lease is claimed by exactly one process (compare-and-set on the heartbeat
 * read), a process that lost its lease learns it at its next renewal (fencing), a handed-back
 * lease is claimable at once, and a run of a dead server past its deadline is marked interrupted
 * (it cannot resume), keeping the text its steps had streamed.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "@/lib/db";
import { claimExpiredRuns } from "@/lib/runs/claim-runs";
import { claimRun, findExpiredLeases, releaseLeases, renewLeases } from "@/lib/runs/lease";
import { createMemoryEventLog } from "@/lib/runs/memory-event-log";
import type { RunEventLog } from "@/lib/runs/event-log";
import type { RunRuntime } from "@/lib/runs/runtime-types";
import { createTestDatabase, dbKind } from "../helpers/db";

let db: Database;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => db.close());

const HOUR = 3_600_000;

async function seedRun(
  status: "running" | "queued" | "succeeded",
  heartbeatAgoMs: number | null,
  options: { ownerId?: string; startedAgoMs?: number } = {},
) {
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
      ownerId: options.ownerId ?? "dead-instance",
      startedAt: new Date(Date.now() - (options.startedAgoMs ?? 2 * HOUR)),
      heartbeatAt: heartbeatAgoMs === null ? null : new Date(Date.now() - heartbeatAgoMs),
      steps: {
        create: [
          {
            key: "step-1",
            position: 0,
            agentName: "a",
            agentSnapshot: { name: "a", model: "claude-sonnet-4-5" },
            status: status === "succeeded" ? "succeeded" : "running",
          },
        ],
      },
    },
  });
}

/** The run side of a process, as far as a claim pass of runs past their deadline needs it. */
function processParts(eventLog: RunEventLog, active: string[] = []): RunRuntime {
  return {
    instanceId: "claimer",
    eventLog,
    activeRuns: { ids: () => active } as RunRuntime["activeRuns"],
    settings: { runDeadlineMs: HOUR, runConcurrency: 1, attemptTimeoutMs: 1, maxAttempts: 1 },
    log: { info() {}, warn() {}, error() {} },
  } as unknown as RunRuntime;
}

describe(`run leases on ${dbKind}`, () => {
  it("lets exactly one of two claimers take an expired lease", async () => {
    const run = await seedRun("running", 60_000);
    const [a, b] = await Promise.all([
      claimRun(db.prisma, { runId: run.id, staleHeartbeatAt: run.heartbeatAt, instanceId: "a" }),
      claimRun(db.prisma, { runId: run.id, staleHeartbeatAt: run.heartbeatAt, instanceId: "b" }),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const stored = await db.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.ownerId).toBe(a ? "a" : "b");
    expect(stored.heartbeatAt!.getTime()).toBeGreaterThan(run.heartbeatAt!.getTime());
    // A claim on what was read before the winner's write matches nothing.
    expect(
      await claimRun(db.prisma, {
        runId: run.id,
        staleHeartbeatAt: run.heartbeatAt,
        instanceId: "c",
      }),
    ).toBe(false);
  });

  it("finds expired and handed-back leases, never live ones or this process's runs", async () => {
    const expired = await seedRun("running", 60_000);
    const released = await seedRun("queued", null, { ownerId: undefined });
    await seedRun("running", 1_000);
    const mine = await seedRun("running", 60_000);
    await seedRun("succeeded", 60_000);
    const found = await findExpiredLeases({
      prisma: db.prisma,
      expiryMs: 7_000,
      exclude: [mine.id],
    });
    expect(found.map((r) => r.id).sort()).toEqual([expired.id, released.id].sort());
  });

  it("tells the old owner it lost the lease at its next renewal (fencing), not after the run ended", async () => {
    const lost = await seedRun("running", 60_000, { ownerId: "old" });
    const kept = await seedRun("running", 60_000, { ownerId: "old" });
    const ended = await seedRun("succeeded", 60_000, { ownerId: "old" });
    await db.prisma.run.update({ where: { id: ended.id }, data: { ownerId: null } });
    expect(
      await claimRun(db.prisma, {
        runId: lost.id,
        staleHeartbeatAt: lost.heartbeatAt,
        instanceId: "new",
      }),
    ).toBe(true);

    const gone = await renewLeases(db.prisma, {
      runIds: [lost.id, kept.id, ended.id],
      instanceId: "old",
    });
    expect(gone).toEqual([lost.id]);
    const rows = await db.prisma.run.findMany({ where: { id: { in: [lost.id, kept.id] } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(lost.id)!.ownerId).toBe("new");
    expect(byId.get(kept.id)!.heartbeatAt!.getTime()).toBeGreaterThan(Date.now() - 5_000);
  });

  it("hands a lease back so it is claimable at once, but only the owner's", async () => {
    const run = await seedRun("running", 0, { ownerId: "leaving" });
    expect(await releaseLeases(db.prisma, { runIds: [run.id], instanceId: "other" })).toBe(0);
    expect(await releaseLeases(db.prisma, { runIds: [run.id], instanceId: "leaving" })).toBe(1);
    const found = await findExpiredLeases({ prisma: db.prisma, expiryMs: HOUR, exclude: [] });
    expect(found.map((r) => r.id)).toEqual([run.id]);
    expect(found[0]!.heartbeatAt).toBeNull();
  });
});

describe(`runs of a dead server past their deadline, on ${dbKind}`, () => {
  it("are marked interrupted, and their viewers told; live runs and this process's are not", async () => {
    const stale = await seedRun("running", 120_000);
    const orphanQueued = await seedRun("queued", null);
    const alive = await seedRun("running", 1_000);
    const mine = await seedRun("running", 120_000);
    const done = await seedRun("succeeded", 120_000);
    const eventLog = createMemoryEventLog();

    const { interrupted, resumed } = await claimExpiredRuns({
      prisma: db.prisma,
      runtime: processParts(eventLog, [mine.id]),
      expiryMs: 7_000,
    });

    expect(resumed).toEqual([]);
    expect(interrupted.sort()).toEqual([stale.id, orphanQueued.id].sort());
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

  it("keep the text a dead server's step had streamed, from the event log (issue 13 #3)", async () => {
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

    await claimExpiredRuns({ prisma: db.prisma, runtime: processParts(eventLog), expiryMs: 7_000 });

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
