import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Algorithm } from "@/lib/ratelimit/types";
import { connectRedisOrFail, deleteKeysUnder, REDIS_URL, uniquePrefix } from "./redis-helpers";

const TSX = "node_modules/.bin/tsx";
const WORKER = "tests/fixtures/ratelimit-worker.ts";

let redis: Redis;
const prefixes: string[] = [];

beforeAll(async () => {
  redis = await connectRedisOrFail();
});

afterAll(async () => {
  for (const prefix of prefixes) await deleteKeysUnder(redis, prefix);
  redis?.disconnect();
});

/** Starts a worker and resolves once it is connected and waiting for the go signal. */
async function startWorker(args: string[]) {
  // react-server is the condition Next builds server code with; it makes "server-only" a no-op.
  const child = spawn(TSX, ["--conditions=react-server", WORKER, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const fail = (what: string) => new Error(`worker ${what}; stderr:\n${stderr}`);

  const first = await lines.next();
  if (first.done || first.value !== "ready")
    throw fail(`did not get ready (${String(first.value)})`);
  return {
    go: () => child.stdin.end("go\n"),
    async tally(): Promise<{ successes: number; failures: number }> {
      const line = await lines.next();
      const [code] = await once(child, "exit");
      if (line.done || code !== 0) throw fail(`exited ${String(code)}`);
      return JSON.parse(line.value) as { successes: number; failures: number };
    },
  };
}

describe.each<Algorithm>(["sliding", "fixed", "token"])(
  "two processes on one Redis (%s)",
  (algorithm) => {
    it("allow exactly 10 successes in total from 2 × 25 concurrent calls", async () => {
      const prefix = uniquePrefix(`two-processes:${algorithm}`);
      prefixes.push(prefix);
      const args = [REDIS_URL, prefix, "shared-user", algorithm, "10", "25"];

      const workers = await Promise.all([startWorker(args), startWorker(args)]);
      for (const worker of workers) worker.go();
      const tallies = await Promise.all(workers.map((worker) => worker.tally()));

      expect(tallies.map((t) => t.failures)).toEqual([0, 0]);
      expect(tallies.reduce((sum, t) => sum + t.successes, 0)).toBe(10);
    });
  },
);
