/**
 * Retention (issue 14): exactly what is older than the limits goes, statistics roll up from
 * minutes to hours to days without losing a count (the lock: sweep-lock.server.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/lib/db";
import { DEFAULT_RETENTION, sweepRetention } from "@/lib/retention";
import { createTestDatabase, dbKind } from "../../helpers/db";

let db: Database;
const now = new Date("2026-12-01T12:00:00Z");
const daysAgo = (d: number, extraMs = 0) => new Date(now.getTime() - d * 86_400_000 - extraMs);

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.close());

async function seed() {
  const p = db.prisma;
  const team = await p.team.create({ data: { name: "t" } });
  const user = await p.user.create({
    data: { email: `u${Math.random()}@example.com`, name: "u", passwordHash: "x" },
  });
  const run = (createdAt: Date, status: "succeeded" | "running") =>
    p.run.create({
      data: {
        teamId: team.id,
        mode: "parallel",
        task: "t",
        status,
        createdAt,
        steps: { create: [{ key: "step-1", position: 0, agentName: "a", agentSnapshot: {} }] },
      },
    });
  const oldRun = await run(daysAgo(91), "succeeded");
  const oldLive = await run(daysAgo(91), "running");
  const recentRun = await run(daysAgo(89), "succeeded");
  const log = (createdAt: Date) =>
    p.gatewayRequest.create({
      data: { teamId: team.id, model: "m", stream: false, status: 200, latencyMs: 1, createdAt },
    });
  await log(daysAgo(31));
  await log(daysAgo(31));
  await log(daysAgo(29));
  const stat = (bucketStart: Date, misses: number) =>
    p.cacheStat.create({ data: { bucketStart, teamId: team.id, misses, hitsMemory: 1 } });
  // Three minutes of one old hour, and one recent minute that stays a minute.
  const oldHour = new Date("2026-11-20T10:00:00Z");
  await stat(new Date("2026-11-20T10:01:00Z"), 1);
  await stat(new Date("2026-11-20T10:02:00Z"), 2);
  await stat(new Date("2026-11-20T10:59:00Z"), 3);
  await stat(daysAgo(1), 5);
  // Hours of a day older than 90 days roll up into that day.
  await stat(new Date("2026-08-01T03:00:00Z"), 7);
  await stat(new Date("2026-08-01T15:00:00Z"), 11);
  await p.session.create({
    data: {
      tokenHash: `s${Math.random()}`,
      userId: user.id,
      teamId: team.id,
      expiresAt: daysAgo(0, 1),
    },
  });
  await p.session.create({
    data: {
      tokenHash: `s${Math.random()}`,
      userId: user.id,
      teamId: team.id,
      expiresAt: daysAgo(-1),
    },
  });
  await p.invite.create({
    data: { teamId: team.id, tokenHash: `i${Math.random()}`, expiresAt: daysAgo(1) },
  });
  const audit = (teamId: string | null, createdAt: Date) =>
    p.auditEvent.create({
      data: {
        teamId,
        action: "auth.sign-in",
        actorKind: "user",
        actorLabel: "u",
        address: "a",
        createdAt,
      },
    });
  // Past 365 days: one of the team's, one of no team (a failed sign-in for an unknown email).
  await audit(team.id, daysAgo(365, 1));
  await audit(null, daysAgo(366));
  const keptAudit = await audit(team.id, daysAgo(364));
  return { team, oldRun, oldLive, recentRun, oldHour, keptAudit };
}

describe(`retention on ${dbKind}`, () => {
  it("deletes exactly what is older than the limits and rolls statistics up", async () => {
    const { team, oldRun, oldLive, recentRun, oldHour, keptAudit } = await seed();
    const counts = await sweepRetention(db.prisma, DEFAULT_RETENTION, now);
    expect(counts).toEqual({
      runs: 1,
      requestLog: 2,
      statsRolledToHours: 3,
      statsRolledToDays: 2,
      sessions: 1,
      invites: 1,
      warmJobs: 0,
      audit: 2,
    });
    const p = db.prisma;
    const runs = await p.run.findMany({ where: { teamId: team.id }, select: { id: true } });
    // A finished run past 90 days goes with its steps; one still running is never deleted.
    expect(runs.map((r) => r.id).sort()).toEqual([oldLive.id, recentRun.id].sort());
    expect(await p.runStep.count({ where: { runId: oldRun.id } })).toBe(0);
    expect(await p.gatewayRequest.count({ where: { teamId: team.id } })).toBe(1);
    expect((await p.auditEvent.findMany({ select: { id: true } })).map((r) => r.id)).toEqual([
      keptAudit.id,
    ]);

    const stats = await p.cacheStat.findMany({
      where: { teamId: team.id },
      orderBy: { bucketStart: "asc" },
      select: { bucketStart: true, misses: true, hitsMemory: true },
    });
    expect(stats).toEqual([
      { bucketStart: new Date("2026-08-01T00:00:00Z"), misses: 18, hitsMemory: 2 },
      { bucketStart: oldHour, misses: 6, hitsMemory: 3 },
      { bucketStart: daysAgo(1), misses: 5, hitsMemory: 1 },
    ]);

    // A second sweep finds nothing more and counts nothing twice.
    expect(await sweepRetention(db.prisma, DEFAULT_RETENTION, now)).toEqual({
      runs: 0,
      requestLog: 0,
      statsRolledToHours: 0,
      statsRolledToDays: 0,
      sessions: 0,
      invites: 0,
      warmJobs: 0,
      audit: 0,
    });
    expect(await p.cacheStat.count({ where: { teamId: team.id } })).toBe(3);
  });
});
