import "server-only";
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { pollUntil } from "./abortable-sleep";
import type { FlightLock } from "./cross-instance-lock";

export interface RedisFlightLockOptions {
  /**
   * Prepended to every cache key, so flights share a namespace with nothing else in Redis.
   * @default "ensemble:flight:"
   */
  prefix?: string;
  /**
   * First poll interval while waiting for a holder; it doubles up to pollMaxMs.
   * @default 25
   */
  pollMinMs?: number;
  /** @default 200 */
  pollMaxMs?: number;
}

// Deletes the key only if it still holds our token: a holder whose TTL lapsed must not release
// the lock a newer holder took since.
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * Cross-instance single-flight over Redis: SET NX PX takes the lock with a TTL, a Lua
 * compare-and-delete releases it, and waiters poll with backoff. Polling rather than pub/sub keeps
 * it to one connection and makes a lapsed TTL (a crashed holder) need no special case.
 */
export function createRedisFlightLock(
  redis: Redis,
  options: RedisFlightLockOptions = {},
): FlightLock {
  const prefix = options.prefix ?? "ensemble:flight:";
  const minMs = options.pollMinMs ?? 25;
  const maxMs = options.pollMaxMs ?? 200;

  return {
    async acquire(key, { ttlMs, signal }) {
      signal?.throwIfAborted();
      const name = prefix + key;
      const token = randomUUID();
      const taken = await redis.set(name, token, "PX", Math.max(1, Math.ceil(ttlMs)), "NX");
      if (taken !== "OK") return null;
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await redis.eval(RELEASE, 1, name, token);
        },
      };
    },

    async waitForRelease(key, { signal, timeoutMs }) {
      const name = prefix + key;
      await pollUntil(async () => (await redis.exists(name)) === 0, {
        timeoutMs,
        minMs,
        maxMs,
        signal,
      });
    },
  };
}
