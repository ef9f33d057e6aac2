import "server-only";
import { describeDeployment, getConfig } from "@/lib/config";
import { logger } from "@/lib/log";
import { pingRedis } from "@/lib/redis";
import { getHealthProbes } from "@/lib/runtime";

import type { HealthReport } from "./health-view";

export type { HealthReport } from "./health-view";

export async function checkHealth(): Promise<HealthReport> {
  const deployment = describeDeployment(getConfig());

  let migrations: number | null = null;
  let dbReachable = false;
  // The runtime cannot be built while the database is down: that is "down", not an error.
  const probes = await getHealthProbes().catch((error: unknown) => {
    logger.child("health").warn(`database unreachable: ${(error as Error).message}`);
    return null;
  });
  try {
    if (probes) {
      await probes.db.ping();
      dbReachable = true;
      migrations = probes.db.migrations;
    }
  } catch (error) {
    logger.child("health").warn(`database unreachable: ${(error as Error).message}`);
  }

  // Upstash is reached over HTTPS per request; its reachability shows in rate-limit logs.
  const storeReachable =
    deployment.store !== "redis" || (probes?.redis ? await pingRedis(probes.redis) : false);

  const circuits = (probes?.breakers.snapshot() ?? []).map((b) => ({
    model: b.model,
    state: b.state,
    since: b.since,
    nextProbeAt: b.nextProbeAt,
  }));
  const circuitsOk = circuits.every((c) => c.state === "closed");
  const keys = deployment.provider === "anthropic" ? probes?.upstreamKeys.report() : undefined;
  const keysOk = !keys || keys.refused.length === 0;

  return {
    status: probes?.lifecycle.draining
      ? "draining"
      : !dbReachable
        ? "down"
        : storeReachable && circuitsOk && keysOk
          ? "ok"
          : "degraded",
    database: { kind: deployment.database, reachable: dbReachable, migrations },
    store: { kind: deployment.store, reachable: storeReachable },
    provider: { kind: deployment.provider, ...(keys ? { keys } : {}) },
    circuits,
    uptimeSeconds: probes ? Math.round((Date.now() - probes.startedAt) / 1000) : 0,
  };
}
