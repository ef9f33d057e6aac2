/**
 * Fencing (issue 11): a process whose lease on a run was taken by another process (it could not
 * renew in time, e.g. through a long database outage) stops executing the run at its next
 * renewal and writes nothing final: no cancelled steps, no terminal status, no end event. The
 * "other process" here is the row itself, rewritten as a claimer's compare-and-set would.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../helpers/app-server";
import { dbKind } from "../helpers/db";
import { startSlowChain } from "../helpers/slow-chain";

let app: AppServer;
let api: ApiClient;

beforeAll(async () => {
  app = await startAppServer({ RUN_LEASE_RENEW_MS: "200", RUN_LEASE_EXPIRY_MS: "2000" });
  api = new ApiClient(app.url);
  await api.signUp();
});
afterAll(async () => app?.close());

describe(`a run whose lease another process took, on ${dbKind}`, () => {
  it("stops executing here at the next renewal, without writing the run's end", async () => {
    const prisma = app.runtime.db.prisma;
    const runId = await startSlowChain(app, api, "fencing");

    // Another process claimed it (its lease runs far ahead, so this process never re-claims it).
    const claimedUntil = new Date(Date.now() + 3_600_000);
    await prisma.run.update({
      where: { id: runId },
      data: { ownerId: "another-process", heartbeatAt: claimedUntil },
    });

    await expect.poll(() => app.runtime.runs.activeRuns.has(runId), { timeout: 5_000 }).toBe(false);
    await sleep(500);
    const run = await prisma.run.findUniqueOrThrow({
      where: { id: runId },
      include: { steps: { orderBy: { position: "asc" } } },
    });
    expect(run).toMatchObject({ status: "running", ownerId: "another-process", endedAt: null });
    expect(run.heartbeatAt).toEqual(claimedUntil);
    expect(run.steps.map((s) => s.status)).toEqual(["running", "pending"]);
    const types = (await app.runtime.runs.eventLog.since(runId, 0)).map((e) => e.type);
    expect(types).not.toContain("run-end");
    expect(types).not.toContain("run-interrupted");
    expect(types).not.toContain("step-error");
  });
});
