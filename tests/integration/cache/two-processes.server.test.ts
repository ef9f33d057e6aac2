/**
 * Two real server processes, one Postgres and one lock (Redis when configured, else a Postgres
 * advisory lock): identical concurrent calls cost one upstream call. Needs a Postgres server, so it
 * runs in the DATABASE_URL pass.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/lib/db";
import { openDatabase } from "@/lib/db/open-database";
import { type Simulator, startSimulator } from "@/lib/llm/simulator";
import { createServerDatabase } from "../../helpers/db";

const WORKER = "tests/fixtures/cache-worker.ts";
const redisUrl = process.env.REDIS_URL;

let server: { url: string; drop: () => Promise<void> };
let db: Database;
let sim: Simulator;

beforeAll(async () => {
  server = await createServerDatabase();
  db = await openDatabase({ databaseUrl: server.url });
  await db.prisma.team.create({ data: { id: "team_two_proc", name: "Two processes" } });
  // Slow enough that the second process arrives while the first is still streaming.
  sim = await startSimulator({ latencyMs: 800 });
});
afterAll(async () => {
  await sim?.close();
  await db?.close();
  await server?.drop();
});

async function startWorker(args: string[]) {
  const child = spawn("node_modules/.bin/tsx", ["--conditions=react-server", WORKER, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    // Its own process group: tsx runs the script in a child process, which a kill must reach too.
    detached: true,
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done || first.value !== "ready")
    throw new Error(`worker not ready; stderr:\n${stderr}`);
  return {
    go: () => child.stdin.end("go\n"),
    /** kill -9 of the worker's whole process group (tsx and the node process it started). */
    kill: async () => {
      const exited = once(child, "exit");
      process.kill(-child.pid!, "SIGKILL");
      await exited;
    },
    async result(): Promise<{ status: string; text: string }> {
      const line = await lines.next();
      const [code] = await once(child, "exit");
      if (line.done || code !== 0)
        throw new Error(`worker exited ${String(code)}; stderr:\n${stderr}`);
      return JSON.parse(line.value) as { status: string; text: string };
    },
  };
}

describe(`two server processes on one Postgres and ${redisUrl ? "a Redis lock" : "a Postgres advisory lock"}`, () => {
  it("share one upstream call for identical concurrent requests", async () => {
    const prompt = `two processes ${Date.now()}`;
    const args = [server.url, sim.url, "team_two_proc", prompt, ...(redisUrl ? [redisUrl] : [])];
    const workers = await Promise.all([startWorker(args), startWorker(args)]);
    const before = sim.stats().requests;

    for (const worker of workers) worker.go();
    const results = await Promise.all(workers.map((w) => w.result()));

    expect(sim.stats().requests - before).toBe(1);
    expect(results[0]!.text.length).toBeGreaterThan(0);
    expect(results[1]!.text).toBe(results[0]!.text);
    expect(results.filter((r) => r.status === "miss")).toHaveLength(1);
    expect(await db.prisma.cacheEntry.count({ where: { teamId: "team_two_proc" } })).toBe(1);
  }, 60_000);

  it("answers the same request on another process after a killed leader's lease, not its 120 s wait", async () => {
    // The first such request hangs upstream (its leader is killed while holding the lock); the
    // repeat is answered. The waiter's own wait is 120 s: only the lapsed lease can end it sooner.
    const prompt = `killed leader ${Date.now()} [[sim:hang,fail-first=1]]`;
    const args = [server.url, sim.url, "team_two_proc", prompt, ...(redisUrl ? [redisUrl] : [])];
    const [leader, follower] = await Promise.all([
      startWorker([...args, "--lease=1000"]),
      startWorker([...args, "--lease=1000"]),
    ]);
    const before = sim.stats().requests;
    leader.go();
    await expect
      .poll(() => sim.stats().requests, { timeout: 20_000, interval: 20 })
      .toBe(before + 1);
    await leader.kill();

    follower.go();
    const result = await follower.result();
    expect(result.status).toBe("miss");
    expect(result.text.length).toBeGreaterThan(0);
    expect(sim.stats().requests - before).toBe(2);
  }, 60_000);
});
