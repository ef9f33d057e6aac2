import "server-only";
import { describeDeployment, getConfig } from "@/lib/config";
import { logProcessErrors, logger } from "@/lib/log";
import { getRuntime } from "@/lib/runtime";

/**
 * Runs once when the server process starts (from instrumentation.ts): validates configuration,
 * builds the runtime (opens and migrates the database, starts the model provider or simulator and
 * the cache, marks runs left over by a dead server), so a broken deployment fails at start, not at
 * the first request.
 */
export async function boot(): Promise<void> {
  logProcessErrors();
  const endpoint = getConfig().OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint) {
    // Loaded only when asked for: without an endpoint no SDK, exporter or context manager exists.
    const { installTracing, otlpExporter } = await import("./tracing/install");
    installTracing({
      exporter: await otlpExporter(endpoint),
      serviceName: getConfig().OTEL_SERVICE_NAME,
    });
    logger.child("boot").info(`traces go to ${endpoint}`);
  }
  const { config, db } = await getRuntime();
  const deployment = describeDeployment(config);
  logger
    .child("boot")
    .info(
      `database ${db.kind} ready (${db.migrations} migrations); store ${deployment.store}; provider ${deployment.provider}`,
    );
}
