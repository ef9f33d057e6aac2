import "server-only";
import { describeDeployment, getConfig } from "@/lib/config";
import { getDb } from "@/lib/db";
import { logger } from "@/lib/log";
import { getRuntime } from "@/lib/runtime";

/**
 * Runs once when the server process starts (from instrumentation.ts): validates configuration,
 * opens and migrates the database, builds the runtime, so a broken deployment fails at start,
 * not at the first request.
 */
export async function boot(): Promise<void> {
  const log = logger.child("boot");
  const config = getConfig();
  const deployment = describeDeployment(config);
  const db = await getDb();
  // Starts the model provider (or simulator), the cache, and marks runs left over by a dead server.
  await getRuntime();
  log.info(
    `database ${db.kind} ready (${db.migrations} migrations); store ${deployment.store}; provider ${deployment.provider}`,
  );
}
