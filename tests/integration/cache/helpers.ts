import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { vi } from "vitest";
import type { StoredEntry } from "@/lib/cache/l2-store";
import type { PrismaClient } from "@/lib/db";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * A connection to the test Redis that rejects (failing the test, never skipping it) when Redis is
 * unreachable, instead of retrying for ever.
 */
export async function connectRedis(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`Redis at ${REDIS_URL} is unreachable: ${String(error)}`);
  }
  return redis;
}

export const randomPrefix = (label: string) => `test:${label}:${randomBytes(6).toString("hex")}:`;

export async function seedTeams(prisma: PrismaClient, ...ids: string[]): Promise<void> {
  for (const id of ids) await prisma.team.create({ data: { id, name: id } });
}

export const silentLogger = () => ({ warn: vi.fn(), error: vi.fn() });

let serial = 0;

/** A plausible L2 row; sizes and times are what tests usually vary. */
export function makeEntry(overrides: Partial<StoredEntry> = {}): StoredEntry {
  serial += 1;
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, serial % 60));
  return {
    key: randomBytes(32).toString("hex"),
    teamId: "team_a",
    agentId: "agent_1",
    model: "claude-sonnet-4-5",
    request: { model: "claude-sonnet-4-5", messages: [{ role: "user", content: `q${serial}` }] },
    response: JSON.stringify({ text: `answer ${serial}` }),
    encrypted: false,
    hmac: "0".repeat(64),
    sizeBytes: 100,
    inputTokens: 10,
    outputTokens: 20,
    latencyMs: 500,
    hitCount: 0,
    createdAt: at,
    lastHitAt: at,
    expiresAt: null,
    ...overrides,
  };
}
