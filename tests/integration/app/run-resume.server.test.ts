/**
 * Runs survive the process that executes them (issue 11): app instances in child processes
 * share a fresh Postgres database, a Redis (the run event log) and one provider simulator (its
 * counter sees every upstream call of every instance). A chain of three steps runs on the first
 * instance; it is killed (-9) or stopped (SIGTERM) while the second step streams. The other
 * instance claims the run and resumes it: the first step is not called again, the second runs
 * again, the run ends succeeded, and a viewer of the event log sees one seq after another with a
 * `run-resumed` among them.
 */
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/lib/db";
import { openDatabase } from "@/lib/db/open-database";
import { type Simulator, startSimulator } from "@/lib/llm/simulator";
import { ApiClient } from "../../helpers/app-server";
import { runEvents } from "../../helpers/run-events";
import {
  type AppProcess as Instance,
  startWebProcess,
  startWorkerProcess,
} from "../../helpers/app-process";
import { createServerDatabase } from "../../helpers/db";
import { type PrivateRedis, startPrivateRedis } from "../../helpers/private-redis";

const HMAC = "5d0e8a3c7b1f9e24a6c8d0b2f4e6a8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2";

let database: { url: string; drop: () => Promise<void> };
let db: Database;
let sim: Simulator;
let privateRedis: PrivateRedis | undefined;
let redisUrl: string;
const started: Instance[] = [];
const workerDataDir = path.join(tmpdir(), `ensemble-worker-${process.pid}`);

/** What every process of these tests shares: the database, Redis and the simulator. */
const sharedEnv = () => ({
  DATABASE_URL: database.url,
  CACHE_HMAC_SECRET: HMAC,
  REDIS_URL: redisUrl,
  ANTHROPIC_API_KEY: "sk-ant-resume-test",
  ANTHROPIC_BASE_URL: sim.url,
});

async function startInstance(env: Record<string, string> = {}): Promise<Instance> {
  const instance = await startWebProcess({ ...sharedEnv(), ...env });
  started.push(instance);
  return instance;
}

async function startWorker(): Promise<Instance> {
  const instance = await startWorkerProcess({ ...sharedEnv(), DATA_DIR: workerDataDir });
  started.push(instance);
  return instance;
}

beforeAll(async () => {
  database = await createServerDatabase();
  db = await openDatabase({ databaseUrl: database.url, log: () => {} });
  sim = await startSimulator();
  if (process.env.REDIS_URL) redisUrl = process.env.REDIS_URL;
  else {
    privateRedis = await startPrivateRedis();
    redisUrl = privateRedis.url;
  }
});
afterAll(async () => {
  for (const instance of started) {
    if (instance.alive()) await instance.kill9().catch(() => {});
  }
  await db?.close();
  await sim?.close();
  await privateRedis?.close();
  await database?.drop();
  await rm(workerDataDir, { recursive: true, force: true });
});

/** Three agents that never use the response cache: every step is a real upstream call. */
async function agentsOf(api: ApiClient, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (const name of ["first", "second", "third"]) {
    const { status, json } = await api.post("/api/agents", {
      name: `${tag}-${name}`,
      model: "claude-sonnet-4-5",
      system: `You are the ${name} of three.`,
      temperature: 0,
      maxTokens: 400,
      cacheEnabled: false,
    });
    expect(status, JSON.stringify(json)).toBe(201);
    ids.push(json.agent?.id ?? json.id);
  }
  return ids;
}

/** A chain whose steps stream for about two seconds each. */
async function startSlowChain(api: ApiClient, agents: string[], tag: string): Promise<string> {
  const { status, json } = await api.post("/api/runs", {
    mode: "chain",
    task: `[[sim:tokens=60,tps=30]] ${tag} ${Date.now()}: describe a river in sixty words.`,
    agents,
  });
  expect(status, JSON.stringify(json)).toBe(201);
  return json.id as string;
}

/** Resolves once the first step has its answer stored and the second has been streaming a while. */
async function secondStepStreaming(runId: string): Promise<void> {
  for (;;) {
    const steps = await db.prisma.runStep.findMany({
      where: { runId },
      orderBy: { position: "asc" },
    });
    if (steps[0]?.status === "succeeded" && steps[1]?.status === "running") break;
    await sleep(50);
  }
  await sleep(600);
}

interface SeenEvent {
  seq: number;
  type: string;
  stepKey?: string;
  status?: string;
  at?: number;
  seenAt: number;
}

/** A viewer of the run's events (SSE) on one instance, until the run's end. */
async function watch(instance: Instance, api: ApiClient, runId: string): Promise<SeenEvent[]> {
  const seen: SeenEvent[] = [];
  for await (const event of runEvents<SeenEvent>(instance.url, api.cookie, runId)) {
    seen.push({ ...event, seenAt: Date.now() });
    if (event.type === "run-end" || event.type === "run-interrupted") break;
  }
  return seen;
}

async function waitForOwner(runId: string, instanceId: string): Promise<number> {
  for (;;) {
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    if (run.ownerId === instanceId) return Date.now();
    if (!["queued", "running"].includes(run.status)) {
      throw new Error(`run ended ${run.status} before ${instanceId} owned it`);
    }
    await sleep(50);
  }
}

async function waitForEnd(runId: string) {
  for (;;) {
    const run = await db.prisma.run.findUniqueOrThrow({
      where: { id: runId },
      include: { steps: { orderBy: { position: "asc" } } },
    });
    if (!["queued", "running"].includes(run.status)) return run;
    await sleep(100);
  }
}

/** Every seq once, in order, from 1: no gap, no duplicate, nothing stood in by a snapshot. */
function expectDenseSeqs(events: SeenEvent[]) {
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.filter((e) => e.type === "run-snapshot")).toEqual([]);
}

describe("a run whose process is killed (-9) mid-run", () => {
  it("is resumed by the other instance within 10 s, without calling its finished step again", async () => {
    const first = await startInstance();
    const second = await startInstance();
    const api = new ApiClient(first.url);
    await api.signUp();
    const agents = await agentsOf(api, "kill");
    const requestsBefore = sim.stats().requests;

    const runId = await startSlowChain(api, agents, "kill");
    const viewer = watch(second, api, runId);
    await secondStepStreaming(runId);
    // Steps 1 and 2 have called upstream; step 2's answer is half streamed.
    expect(sim.stats().requests - requestsBefore).toBe(2);

    const killedAt = Date.now();
    await first.kill9();
    const claimedAt = await waitForOwner(runId, second.instanceId);
    const events = await viewer;
    const run = await waitForEnd(runId);

    const resumed = events.find((e) => e.type === "run-resumed")!;
    expect(resumed).toBeDefined();
    const resumeMs = resumed.seenAt - killedAt;
    console.log(
      `resume after kill -9: claimed after ${claimedAt - killedAt} ms, run-resumed seen after ${resumeMs} ms`,
    );
    expect(resumeMs).toBeLessThanOrEqual(10_000);

    expect(run.status).toBe("succeeded");
    expect(run.ownerId).toBeNull();
    // Step 2 again and step 3: the finished step 1 was not called upstream again.
    expect(sim.stats().requests - requestsBefore).toBe(4);
    const after = events.slice(events.indexOf(resumed));
    expect(after.filter((e) => e.type === "step-start").map((e) => e.stepKey)).toEqual([
      "step-2",
      "step-3",
    ]);
    expect(run.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(run.steps[0]!.attempts).toBe(1);
    // The interrupted attempt of step 2 is kept first in its log, with what it had streamed.
    const log = run.steps[1]!.attemptLog as { errorCode?: string; partialOutput?: string }[];
    expect(run.steps[1]!.attempts).toBe(2);
    expect(log[0]!.errorCode).toBe("interrupted");
    expect(log[0]!.partialOutput?.length).toBeGreaterThan(0);
    expect(run.outputTokens).toBeGreaterThan(0);

    // The viewer, connected to the survivor from the start, saw the run through without a gap.
    expectDenseSeqs(events);
    expect(events.at(-1)).toMatchObject({ type: "run-end", status: "succeeded" });
    await second.terminate();
  }, 90_000);
});

describe("a run whose process gets SIGTERM mid-run", () => {
  it("is handed back at once and finished by the other instance, long before its lease expires", async () => {
    // Leases that expire only after two minutes: a claim sooner can only follow the hand-back.
    const slowExpiry = { RUN_LEASE_EXPIRY_MS: "120000" };
    const leaving = await startInstance(slowExpiry);
    const staying = await startInstance(slowExpiry);
    const api = new ApiClient(leaving.url);
    await api.signUp();
    const agents = await agentsOf(api, "term");
    const requestsBefore = sim.stats().requests;

    const runId = await startSlowChain(api, agents, "term");
    const viewer = watch(staying, api, runId);
    await secondStepStreaming(runId);

    const termAt = Date.now();
    const code = await leaving.terminate();
    expect(code).toBe(0);
    await waitForOwner(runId, staying.instanceId);
    const events = await viewer;
    const run = await waitForEnd(runId);

    expect(run.status).toBe("succeeded");
    const resumed = events.find((e) => e.type === "run-resumed")!;
    expect(resumed.at!).toBeGreaterThanOrEqual(termAt);
    expect(resumed.at! - termAt).toBeLessThan(120_000);
    // The departing process ended nothing: no step cancelled, no end, no interruption before
    // the hand-over; the other instance finished the run.
    const before = events.slice(0, events.indexOf(resumed));
    expect(
      before.filter((e) => ["step-error", "run-end", "run-interrupted"].includes(e.type)),
    ).toEqual([]);
    expect(sim.stats().requests - requestsBefore).toBe(4);
    expectDenseSeqs(events);
    expect(events.at(-1)).toMatchObject({ type: "run-end", status: "succeeded" });
    await staying.terminate();
  }, 90_000);
});

describe("a run whose web instance is killed, with a worker (npm run worker) beside it", () => {
  it("is resumed by the worker and ends succeeded, its event log without a gap", async () => {
    const web = await startInstance();
    const worker = await startWorker();
    const api = new ApiClient(web.url);
    await api.signUp();
    const agents = await agentsOf(api, "worker");
    const requestsBefore = sim.stats().requests;

    const runId = await startSlowChain(api, agents, "worker");
    await secondStepStreaming(runId);
    await web.kill9();
    await waitForOwner(runId, worker.instanceId);
    const run = await waitForEnd(runId);

    expect(run.status).toBe("succeeded");
    expect(sim.stats().requests - requestsBefore).toBe(4);
    // What any viewer replays: the run's event log, written by both processes.
    const redis = new Redis(redisUrl);
    try {
      const entries = await redis.xrange(`ensemble:run:${runId}:events`, "-", "+");
      const events = entries.map(([, fields]) => ({
        ...(JSON.parse(fields[1]!) as SeenEvent),
        seenAt: 0,
      }));
      expectDenseSeqs(events);
      expect(events.filter((e) => e.type === "run-resumed")).toHaveLength(1);
      expect(events.at(-1)).toMatchObject({ type: "run-end", status: "succeeded" });
    } finally {
      redis.disconnect();
    }
    expect(await worker.terminate()).toBe(0);
  }, 90_000);
});
