/**
 * Outbound limits (issue 12): what the limiter adds to a call under the limits, on the in-process
 * store and on Redis (REDIS_URL, else 127.0.0.1:6379 when it answers), and the memory a saturated
 * model's queue of 1,000 waiting calls takes.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { createOutboundLimiter, type OutboundLimiter } from "@/lib/outbound/limiter";
import { createRedisOutboundStore } from "@/lib/outbound/redis-store";
import { createMemoryOutboundStore } from "@/lib/outbound/window-store";
import {
  fmtMB,
  fmtMs,
  gc,
  log,
  nowMs,
  rounded,
  summarize,
  tick,
  type GroupResult,
  type Row,
} from "./util";

const MODEL = "claude-bench";
// Limits no bench reaches: every call is admitted, so what is measured is the limiter's cost.
const UNDER = { [MODEL]: { rpm: 1_000_000_000, itpm: 1_000_000_000, otpm: 1_000_000_000 } };

async function addedLatency(limiter: OutboundLimiter, iterations: number) {
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = nowMs();
    const permit = await limiter.acquire({
      model: MODEL,
      teamId: `team_${i % 4}`,
      inputTokens: 500,
    });
    samples.push(nowMs() - t);
    permit.settle({ inputTokens: 480, outputTokens: 120 });
    if (i % 200 === 0) await tick();
  }
  return summarize(samples.slice(Math.floor(iterations / 10)));
}

async function redisClient(): Promise<Redis | null> {
  const client = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch {
    client.disconnect();
    return null;
  }
}

async function queueMemory(): Promise<number> {
  // A model whose window is full for the whole measurement: every call waits.
  const limiter = createOutboundLimiter({
    store: createMemoryOutboundStore(600_000),
    limits: { [MODEL]: { rpm: 1 } },
  });
  await limiter.acquire({ model: MODEL, teamId: "t", inputTokens: 1 });
  gc();
  const before = process.memoryUsage().heapUsed;
  const controller = new AbortController();
  const waiting = Array.from({ length: 1000 }, (_, i) =>
    limiter
      .acquire({
        model: MODEL,
        teamId: `team_${i % 10}`,
        inputTokens: 500,
        signal: controller.signal,
      })
      .catch(() => undefined),
  );
  await tick();
  gc();
  const used = process.memoryUsage().heapUsed - before;
  controller.abort(new Error("bench over"));
  await Promise.all(waiting);
  return used;
}

export async function outboundGroup(): Promise<GroupResult> {
  const t0 = nowMs();
  const rows: Row[] = [];
  const notes: string[] = [];
  const target = 0.2;
  const memory = createOutboundLimiter({ store: createMemoryOutboundStore(60_000), limits: UNDER });
  const inProcess = await addedLatency(memory, 20_000);
  log(`outbound in-process: p50 ${fmtMs(inProcess.p50)} p99 ${fmtMs(inProcess.p99)}`);
  rows.push({
    id: "outbound.memory",
    benchmark: "outbound limiter added per call under the limits, in-process store",
    result: `p50 ${fmtMs(inProcess.p50)} (ratio ${(inProcess.p50 / target).toFixed(2)}), p99 ${fmtMs(inProcess.p99)}`,
    target: "p50 ≤ 0.2 ms",
    met: inProcess.p50 <= target,
    value: inProcess.p50,
    details: { summaryMs: rounded(inProcess, 5) },
  });
  const redis = await redisClient();
  if (redis) {
    const prefix = `bench:outbound:${randomUUID()}:`;
    const shared = createOutboundLimiter({
      store: createRedisOutboundStore(redis, 60_000, prefix),
      limits: UNDER,
    });
    const onRedis = await addedLatency(shared, 5_000);
    log(`outbound on Redis: p50 ${fmtMs(onRedis.p50)} p99 ${fmtMs(onRedis.p99)}`);
    rows.push({
      id: "outbound.redis",
      benchmark: "outbound limiter added per call under the limits, Redis store (one script call)",
      result: `p50 ${fmtMs(onRedis.p50)} (ratio ${(onRedis.p50 / target).toFixed(2)}), p99 ${fmtMs(onRedis.p99)}`,
      target: "p50 ≤ 0.2 ms",
      met: onRedis.p50 <= target,
      value: onRedis.p50,
      details: { summaryMs: rounded(onRedis, 5) },
    });
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  } else {
    notes.push("Redis not reachable: the outbound Redis row was not measured.");
  }
  const bytes = await queueMemory();
  log(`outbound queue of 1,000 waiting calls: ${fmtMB(bytes)}`);
  rows.push({
    id: "outbound.queue-memory",
    benchmark: "a saturated model's queue of 1,000 waiting calls (heap)",
    result: `${fmtMB(bytes)} (ratio ${(bytes / (20 * 1024 * 1024)).toFixed(3)})`,
    target: "≤ 20 MB",
    met: bytes <= 20 * 1024 * 1024,
    value: bytes,
  });
  return { group: "outbound", rows, notes, durationMs: nowMs() - t0 };
}
