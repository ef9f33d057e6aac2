/**
 * Issue 13, broken item 4, and issue 11 (runs resume): after a restart, runs looked "running" for
 * about a minute, then interrupted. An embedded database belongs to one process, so a run it
 * holds as running when the app starts died with the previous process: the starting process
 * resumes it at once (its finished steps kept, the others run again) and it ends normally. On a
 * shared Postgres another instance may be running it, so only an expired lease counts there.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/config";
import { runEventStream } from "@/lib/runs";
import { createRuntime } from "@/lib/runtime/create-runtime";
import { createServerDatabase, dbKind, serverUrl } from "../helpers/db";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function environment() {
  const dataDir = await mkdtemp(path.join(tmpdir(), "ensemble-restart-"));
  const server = serverUrl ? await createServerDatabase() : undefined;
  if (server) closers.push(server.drop);
  return parseEnv({
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    LOG_LEVEL: "error",
    ANTHROPIC_API_KEY: "",
    ...(server
      ? {
          DATABASE_URL: server.url,
          CACHE_HMAC_SECRET: "3f9a1c7e5b2d8046a1e9c3b7d5f20846c1a3e5b7d9f1024638ace0b2d4f6a8c1",
        }
      : {}),
  });
}

const agent = (name: string) => ({
  name,
  model: "claude-sonnet-4-5",
  system: "",
  temperature: 0,
  maxTokens: 64,
});

describe(`a run left running by the previous process, on ${dbKind}`, () => {
  it("is resumed at start-up on the embedded database, and left to its lease on Postgres", async () => {
    const env = await environment();
    const first = await createRuntime(env);
    const team = await first.db.prisma.team.create({ data: { name: "Restarted" } });
    const run = await first.db.prisma.run.create({
      data: {
        teamId: team.id,
        mode: "chain",
        task: "name a river",
        status: "running",
        startedAt: new Date(),
        ownerId: "previous-process",
        heartbeatAt: new Date(),
        cacheControl: { mode: "bypass" },
        steps: {
          create: [
            {
              key: "step-1",
              position: 0,
              agentName: "a",
              agentSnapshot: agent("a"),
              status: "succeeded",
              output: "The Danube.",
              outputTokens: 3,
              attempts: 1,
            },
            {
              key: "step-2",
              position: 1,
              agentName: "b",
              agentSnapshot: agent("b"),
              dependsOn: ["step-1"],
              status: "running",
              attempts: 1,
            },
          ],
        },
      },
    });
    await first.close();

    const second = await createRuntime(env);
    closers.push(() => second.close());
    if (dbKind === "postgres") {
      const after = await second.db.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
      expect(after.status).toBe("running");
      expect(after.ownerId).toBe("previous-process");
      return;
    }
    await second.runs.activeRuns.idle();
    const after = await second.db.prisma.run.findUniqueOrThrow({
      where: { id: run.id },
      include: { steps: { orderBy: { position: "asc" } } },
    });
    expect(after.status).toBe("succeeded");
    expect(after.ownerId).toBeNull();
    // The finished step was kept as it was (not called again); the unfinished one ran again,
    // its interrupted attempt first in its log.
    expect(after.steps[0]).toMatchObject({
      status: "succeeded",
      output: "The Danube.",
      attempts: 1,
    });
    expect(after.steps[1]!.status).toBe("succeeded");
    // With the run's own cache control (bypass), as the first process would have called it.
    expect(after.steps[1]!.cacheStatus).toBe("bypass");
    expect(after.steps[1]!.attempts).toBe(2);
    expect((after.steps[1]!.attemptLog as { errorCode?: string }[])[0]!.errorCode).toBe(
      "interrupted",
    );
    expect(after.outputTokens).toBeGreaterThan(3);
    // The previous process's events died with it (an in-memory log): the resumed run's events are
    // numbered past any seq a viewer of the old process can have seen, one after another.
    const events = await second.runs.eventLog.since(run.id, 0);
    expect(events[0]!.type).toBe("run-resumed");
    const firstSeq = events[0]!.seq;
    expect(firstSeq).toBeGreaterThan(1_000_000);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => firstSeq + i));
    // A viewer that had seen seq 40 of the old process gets the stored run for what was lost,
    // then the resumed run's events to its end.
    const viewed: string[] = [];
    for await (const event of runEventStream({
      prisma: second.db.prisma,
      eventLog: second.runs.eventLog,
      teamId: team.id,
      runId: run.id,
      afterSeq: 40,
      signal: new AbortController().signal,
    })) {
      viewed.push(event.type);
    }
    expect(viewed.slice(0, 3)).toEqual(["run-snapshot", "run-resumed", "run-start"]);
    expect(viewed.at(-1)).toBe("run-end");
    expect(events.filter((e) => e.type === "step-start").map((e) => e.stepKey)).toEqual(["step-2"]);
  });

  it("ends a run cancelled while no process executed it as cancelled, without calling it", async () => {
    const env = await environment();
    const first = await createRuntime(env);
    const team = await first.db.prisma.team.create({ data: { name: "Cancelled meanwhile" } });
    // Handed back at shutdown (lease cleared), then cancelled before any process claimed it.
    const run = await first.db.prisma.run.create({
      data: {
        teamId: team.id,
        mode: "parallel",
        task: "name a lake",
        status: "running",
        startedAt: new Date(),
        ownerId: null,
        heartbeatAt: null,
        cancelRequestedAt: new Date(),
        steps: {
          create: [
            {
              key: "step-1",
              position: 0,
              agentName: "a",
              agentSnapshot: agent("a"),
              status: "running",
              attempts: 1,
            },
          ],
        },
      },
    });
    await first.close();

    const second = await createRuntime(env);
    closers.push(() => second.close());
    await second.runs.activeRuns.idle();
    const after = await second.db.prisma.run.findUniqueOrThrow({
      where: { id: run.id },
      include: { steps: true },
    });
    expect(after.status).toBe("cancelled");
    expect(after.steps[0]!.status).toBe("cancelled");
    const events = await second.runs.eventLog.since(run.id, 0);
    expect(events.map((e) => e.type)).not.toContain("step-start");
    expect(events.at(-1)!.type).toBe("run-end");
  });
});
