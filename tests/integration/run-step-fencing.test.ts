/**
 * Fencing of step writes (issue 11): a process that lost its lease between two renewals (its
 * renewal failed through an outage, or is not due yet) must not write the steps of the run it no
 * longer owns — not even the answer of the step it was running — so the new owner's record of
 * that step is never overwritten. Only the step write itself can tell it here: renewals are a
 * minute apart. (Its own file: an app server per file.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../helpers/app-server";
import { dbKind } from "../helpers/db";
import { startSlowChain } from "../helpers/slow-chain";

describe(`a run whose lease another process took between two renewals, on ${dbKind}`, () => {
  let slow: AppServer;
  let slowApi: ApiClient;
  beforeAll(async () => {
    // Renewals a minute apart: within this test only the step write itself can tell this
    // process the run is not its own any more (as when a renewal fails through an outage).
    slow = await startAppServer({ RUN_LEASE_RENEW_MS: "60000", RUN_LEASE_EXPIRY_MS: "180000" });
    slowApi = new ApiClient(slow.url);
    await slowApi.signUp();
  });
  afterAll(async () => slow?.close());

  it("writes no step of it, not even the answer of the step that was running", async () => {
    const prisma = slow.runtime.db.prisma;
    const runId = await startSlowChain(slow, slowApi, "step fencing");
    const claimedUntil = new Date(Date.now() + 3_600_000);
    await prisma.run.update({
      where: { id: runId },
      data: { ownerId: "another-process", heartbeatAt: claimedUntil },
    });

    await expect
      .poll(() => slow.runtime.runs.activeRuns.has(runId), { timeout: 30_000 })
      .toBe(false);
    const steps = await prisma.runStep.findMany({ where: { runId }, orderBy: { position: "asc" } });
    // step-1's answer ended here, but its row is the new owner's: not written, step-2 not begun.
    expect(steps.map((s) => [s.status, s.output])).toEqual([
      ["running", ""],
      ["pending", ""],
    ]);
  });
});
