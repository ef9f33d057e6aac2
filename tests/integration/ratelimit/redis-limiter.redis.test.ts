import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLimiter } from "@/lib/ratelimit/limiter";
import type { Algorithm } from "@/lib/ratelimit/types";
import { connectRedisOrFail, deleteKeysUnder, uniquePrefix } from "./redis-helpers";

let redis: Redis;
const prefixes: string[] = [];

beforeAll(async () => {
  redis = await connectRedisOrFail();
});

afterAll(async () => {
  for (const prefix of prefixes) await deleteKeysUnder(redis, prefix);
  redis?.disconnect();
});

function redisLimiter(algorithm: Algorithm, limit = 10) {
  const prefix = uniquePrefix(algorithm);
  prefixes.push(prefix);
  // An hour-long window keeps a window boundary from falling inside the burst.
  const options = { store: { kind: "redis", client: redis } as const, prefix, limit, algorithm };
  return { prefix, create: () => createLimiter({ ...options, window: "1 h", failMode: "closed" }) };
}

describe.each<Algorithm>(["sliding", "fixed", "token"])(
  "the %s algorithm on Redis",
  (algorithm) => {
    it("allows exactly 10 of 50 concurrent calls for one identifier", async () => {
      const { prefix, create } = redisLimiter(algorithm);
      const limiter = create();

      const results = await Promise.all(Array.from({ length: 50 }, () => limiter.limit("user-1")));

      expect(results.filter((r) => r.success)).toHaveLength(10);
      expect(results.filter((r) => r.reason !== undefined)).toEqual([]);
      expect(
        results
          .filter((r) => r.success)
          .map((r) => r.remaining)
          .sort((a, b) => a - b),
      ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const denied = results.find((r) => !r.success);
      expect(denied?.retryAfterMs).toBeGreaterThan(0);
      // The counts live in Redis under this limiter's prefix, not in the process.
      expect(await redis.keys(`${prefix}:*`)).not.toEqual([]);
    });

    it("shares the count between two limiters on the same prefix, as separate instances would", async () => {
      const { create } = redisLimiter(algorithm, 4);
      const [first, second] = [create(), create()];

      const outcomes = [];
      for (let i = 0; i < 3; i++) outcomes.push((await first.limit("k")).success);
      for (let i = 0; i < 3; i++) outcomes.push((await second.limit("k")).success);

      expect(outcomes).toEqual([true, true, true, true, false, false]);
    });
  },
);
