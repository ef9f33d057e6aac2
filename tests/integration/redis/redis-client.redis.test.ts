/**
 * The app's Redis client (lib/redis): commands issued together, as many requests' rate limits,
 * flight locks and outbound reservations are under load, leave in one socket write; each still
 * gets its own answer, and an error in one does not fail the others.
 */
import { randomUUID } from "node:crypto";
import net from "node:net";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRedisClient } from "@/lib/redis";

const REDIS_URL = process.env.REDIS_URL!;
const port = Number(new URL(REDIS_URL).port || 6379);
const quiet = { warn: () => {}, info: () => {} };
let client: Redis;
const prefix = `test:redis-client:${randomUUID()}`;

beforeAll(async () => {
  client = createRedisClient(REDIS_URL, quiet);
  await client.ping();
});
afterAll(async () => {
  const keys = await client.keys(`${prefix}:*`);
  if (keys.length > 0) await client.del(...keys);
  client.disconnect();
});

/**
 * The socket writes (system calls: `_write` for one buffer, `_writev` for several) `work` makes
 * to Redis's port, and its result.
 */
async function countWrites<T>(work: () => Promise<T>): Promise<{ writes: number; result: T }> {
  const proto = net.Socket.prototype as unknown as Record<"_write" | "_writev", () => void>;
  const spies = [vi.spyOn(proto, "_write"), vi.spyOn(proto, "_writev")];
  try {
    const result = await work();
    const writes = spies
      .flatMap((spy) => spy.mock.contexts as unknown as net.Socket[])
      .filter((socket) => socket.remotePort === port).length;
    return { writes, result };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe("the app's Redis client", () => {
  it("sends commands issued together in one write, each with its own answer", async () => {
    const script = "return redis.call('incrby', KEYS[1], ARGV[1])";
    const { writes, result } = await countWrites(() =>
      Promise.all([
        ...Array.from({ length: 20 }, (_, i) => client.incrby(`${prefix}:n${i % 4}`, i)),
        client.set(`${prefix}:lock`, "me", "PX", 10_000, "NX"),
        client.eval(script, 1, `${prefix}:script`, 5),
      ]),
    );
    expect(writes).toBe(1);
    expect(result.slice(16, 20)).toEqual([40, 45, 50, 55]); // the last of each counter's five
    expect(result.slice(20)).toEqual(["OK", 5]);
  });

  it("fails only the command that errs in a batch", async () => {
    await client.set(`${prefix}:text`, "not a number");
    const settled = await Promise.allSettled([
      client.incr(`${prefix}:text`),
      client.incr(`${prefix}:counter`),
    ]);
    expect(settled[0]).toMatchObject({ status: "rejected" });
    expect(settled[1]).toEqual({ status: "fulfilled", value: 1 });
  });
});
