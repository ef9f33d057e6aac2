import "server-only";
import { Redis } from "ioredis";
import { getConfig } from "@/lib/config";
import { logger } from "@/lib/log";

const globalForRedis = globalThis as unknown as { ensembleRedis?: Redis | null };

/**
 * The process's Redis client when REDIS_URL is set, else null (in-memory equivalents serve one
 * process). Commands fail fast while disconnected instead of queueing without bound.
 */
export function getRedis(): Redis | null {
  if (globalForRedis.ensembleRedis !== undefined) return globalForRedis.ensembleRedis;
  const url = getConfig().REDIS_URL;
  if (!url) return (globalForRedis.ensembleRedis = null);
  const log = logger.child("redis");
  const client = new Redis(url, {
    lazyConnect: false,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 5_000,
  });
  let lastError = "";
  client.on("error", (error: Error) => {
    // Reconnects are automatic; say so once per distinct failure, not once per retry.
    if (error.message !== lastError) log.warn(`redis: ${error.message}`);
    lastError = error.message;
  });
  client.on("ready", () => (lastError = ""));
  globalForRedis.ensembleRedis = client;
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
