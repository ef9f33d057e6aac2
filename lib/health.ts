import "server-only";
import { describeDeployment, getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { logger } from "@/lib/log";
import { getRedis, pingRedis } from "@/lib/redis";

/** What GET /api/health reports. Also the home page's status panel. */
export interface HealthReport {
  status: "ok" | "degraded" | "down";
  database: { kind: "postgres" | "pglite"; reachable: boolean; migrations: number | null };
  store: { kind: "upstash" | "redis" | "memory"; reachable: boolean };
  provider: { kind: "anthropic" | "simulator" };
  uptimeSeconds: number;
}

const startedAt = Date.now();

export async function checkHealth(): Promise<HealthReport> {
  const config = getConfig();
  const deployment = describeDeployment(config);

  let migrations: number | null = null;
  let dbReachable = false;
  try {
    const db = await getDb();
    await db.ping();
    dbReachable = true;
    migrations = db.migrations;
  } catch (error) {
    logger.child("health").warn(`database unreachable: ${(error as Error).message}`);
  }

  const redis = deployment.store === "redis" ? getRedis() : null;
  // Upstash is reached over HTTPS per request; its reachability shows in rate-limit logs.
  const storeReachable = redis ? await pingRedis(redis) : true;

  return {
    status: !dbReachable ? "down" : storeReachable ? "ok" : "degraded",
    database: { kind: deployment.database, reachable: dbReachable, migrations },
    store: { kind: deployment.store, reachable: storeReachable },
    provider: { kind: deployment.provider },
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
  };
}
