import "server-only";
import type { Redis } from "ioredis";
import type { Logger } from "@/lib/log";
import { createRedisCircuit } from "./circuit";
import { GuardedRedis } from "./guarded-redis";

export { GuardedRedis, RedisUnavailableError } from "./guarded-redis";

export interface RedisClientOptions {
  /** A command with no answer within this long fails (and opens the circuit). @default 500 */
  commandTimeoutMs?: number;
  /** How long the circuit fails commands at once before one probe goes. @default 1000 */
  cooldownMs?: number;
}

/**
 * A Redis client for REDIS_URL (lib/runtime builds one per process). Commands time out quickly,
 * and a breaker fails them in microseconds while Redis is down (see guarded-redis.ts), so an
 * outage costs a request nothing after the first failure; every caller decides what a failed
 * command means (rate limits per their fail mode, run events fall back to a snapshot).
 */
export function createRedisClient(
  url: string,
  log: Pick<Logger, "warn" | "info">,
  options: RedisClientOptions = {},
): Redis {
  const circuit = createRedisCircuit({
    cooldownMs: options.cooldownMs ?? 1_000,
    onChange: (state) =>
      state.state === "open"
        ? log.warn("redis: unavailable; commands fail fast until it is back")
        : log.info("redis: available again"),
  });
  const client = new GuardedRedis(url, {
    lazyConnect: false,
    // Commands sent while connecting (at start) wait for the connection, bounded by the timeout.
    enableOfflineQueue: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    commandTimeout: options.commandTimeoutMs ?? 500,
    // Commands issued in one turn of the event loop (many requests' rate limits, locks and
    // outbound reservations under load) go out in one socket write, not one write each: the
    // writes were a tenth of the gateway's CPU at 64 concurrent misses (README, "Scaling out").
    enableAutoPipelining: true,
    circuit,
  });
  let lastError = "";
  client.on("error", (error: Error) => {
    // Reconnects are automatic; say so once per distinct failure, not once per retry.
    if (error.message !== lastError) log.warn(`redis: ${error.message}`);
    lastError = error.message;
  });
  client.on("ready", () => (lastError = ""));
  return client;
}

/** Round-trips a PING within the timeout; false when Redis is unreachable. */
export async function pingRedis(client: Redis, timeoutMs = 1_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
    });
    return (await Promise.race([client.ping(), timeout])) === "PONG";
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
