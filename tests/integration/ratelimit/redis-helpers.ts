import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * A connected client, or a failure that says why: CI always has Redis, so a missing one is a
 * broken environment to fix, not a reason to skip.
 */
export async function connectRedisOrFail(): Promise<Redis> {
  // The app's own options (lib/redis): fail fast instead of queueing while disconnected.
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  client.on("error", () => {}); // surfaced through connect() below
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw new Error(
      `Rate-limit integration tests need Redis at ${REDIS_URL} (start redis-server): ${String(error)}`,
    );
  }
  return client;
}

/** A key prefix no other test or run shares. */
export const uniquePrefix = (name: string) => `test:ratelimit:${name}:${randomUUID()}`;

/** Deletes every key under a prefix (SCAN, not KEYS, out of habit). */
export async function deleteKeysUnder(client: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const keys of client.scanStream({ match: `${prefix}*`, count: 100 })) {
    const batch = keys as string[];
    if (batch.length > 0) deleted += await client.del(...batch);
  }
  return deleted;
}
