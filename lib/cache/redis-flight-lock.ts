import "server-only";
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { pollUntil } from "./poll-until";
import { type FlightLock, keepRenewing, renewInterval } from "./cross-instance-lock";

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
// Pushes the expiry back only while the key still holds our token (the same reason).
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

/**
 * Cross-instance single-flight over Redis: SET NX PX takes the lock with a short lease, which the
 * holder renews (a Lua compare-and-pexpire) while it works; a Lua compare-and-delete releases it,
 * and waiters poll with backoff. A crashed holder stops renewing, so its lock lapses within one
 * lease. Polling rather than pub/sub keeps it to one connection and makes a lapsed lease need no
 * special case.
 */
export function createRedisFlightLock(
  redis: Redis,
  options: RedisFlightLockOptions = {},
): FlightLock {
  const prefix = options.prefix ?? "ensemble:flight:";
  const minMs = options.pollMinMs ?? 25;
  const maxMs = options.pollMaxMs ?? 200;

  return {
    async acquire(key, options) {
      options.signal?.throwIfAborted();
      const name = prefix + key;
      const token = randomUUID();
      const leaseMs = Math.max(1, Math.ceil(options.ttlMs));
      const taken = await redis.set(name, token, "PX", leaseMs, "NX");
      if (taken !== "OK") return null;
      const stopRenewing = keepRenewing(
        renewInterval(options),
        async () => (await redis.eval(RENEW, 1, name, token, leaseMs)) === 1,
      );
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          stopRenewing();
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
