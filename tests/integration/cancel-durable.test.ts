/**
 * A cancel is recorded in the database before it is broadcast, and every instance polls the
 * cancels of the runs it executes: a cancel that the pub/sub never delivers (Redis down, or an
 * instance whose subscription broke) still stops the run, a poll later. The second instance here
 * is a second ActiveRuns — the part of a process that executes runs — on the same database, with
 * a pub/sub that delivers nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PubSub } from "@/lib/redis/pubsub";
import { type ActiveRuns, createActiveRuns } from "@/lib/runs/active-runs";
import { cancelRequestedRuns } from "@/lib/runs/recover-runs";
import { ApiClient, type AppServer, startAppServer } from "../helpers/app-server";
import { dbKind } from "../helpers/db";

/** A broken broker: publishes vanish, subscriptions never fire. */
const deadPubSub: PubSub = {
  publish: async () => {},
  subscribe: async () => () => {},
  close: async () => {},
};

let app: AppServer;
let api: ApiClient;
let teamId: string;
let other: ActiveRuns;

beforeAll(async () => {
  app = await startAppServer();
  api = new ApiClient(app.url);
  teamId = (await api.signUp()).team.id;
  const prisma = app.runtime.db.prisma;
  other = await createActiveRuns({
    pubsub: deadPubSub,
    heartbeat: async () => [],
    cancelRequested: (ids) => cancelRequestedRuns(prisma, ids),
    cancelPollMs: 200,
  });
});
afterAll(async () => {
  await other?.close();
  await app?.close();
});

describe(`a durable cancel on ${dbKind}`, () => {
  it("stops a run executing on another instance that the broadcast never reaches", async () => {
    const prisma = app.runtime.db.prisma;
    const run = await prisma.run.create({
      data: {
        teamId,
        mode: "parallel",
        task: "far away",
        status: "running",
        startedAt: new Date(),
      },
    });
    const signal = other.register(run.id);
    const untouched = other.register("some-other-run");
    expect(app.runtime.runs.activeRuns.has(run.id)).toBe(false);

    const cancelled = await api.post(`/api/runs/${run.id}/cancel`);
    expect(cancelled.status).toBe(202);
    const stored = await prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.cancelRequestedAt).not.toBeNull();

    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    expect(signal.aborted).toBe(true);
    expect(untouched.aborted).toBe(false);
    other.unregister(run.id);
    other.unregister("some-other-run");
  });

  it("records nothing for a run that already ended", async () => {
    const prisma = app.runtime.db.prisma;
    const run = await prisma.run.create({
      data: { teamId, mode: "parallel", task: "done", status: "succeeded" },
    });
    expect((await api.post(`/api/runs/${run.id}/cancel`)).status).toBe(409);
    const stored = await prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.cancelRequestedAt).toBeNull();
  });
});
