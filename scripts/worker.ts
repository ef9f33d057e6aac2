/**
 * `npm run worker`: a process that only executes runs — no HTTP server. It builds the same
 * runtime as the web processes (configuration, database, provider, cache, run machinery), so its
 * claim loop takes over the runs whose lease expired or was handed back and resumes them; teams
 * scale execution apart from the web tier by starting more of these on the shared DATABASE_URL
 * (and REDIS_URL, for the run event log viewers read). SIGTERM/SIGINT hands its runs back at once
 * (another process claims them) and exits 0; a second signal exits at once.
 */
import { boot } from "@/lib/boot";
import { logger } from "@/lib/log";
import { handOffActiveRuns } from "@/lib/runs/hand-off-runs";
import { closeRuntime, getRuntime } from "@/lib/runtime";

const log = logger.child("worker");
await boot();
const runtime = await getRuntime();
if (runtime.db.kind === "pglite") {
  log.warn("the embedded database belongs to one process: run workers with DATABASE_URL");
}
// The run machinery's timers do not hold the process open (a web process has its server).
const keepAlive = setInterval(() => {}, 1 << 30);
log.info(`worker ${runtime.runs.instanceId} executing runs`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) process.exit(1);
  stopping = true;
  const released = await handOffActiveRuns({ prisma: runtime.db.prisma, runs: runtime.runs }).catch(
    (e: unknown) => {
      log.error(`could not hand runs back: ${(e as Error).message}`);
      return [];
    },
  );
  log.info(`${signal}: handed ${released.length} run(s) back`);
  await closeRuntime().catch((e: unknown) => log.error(`closing: ${(e as Error).message}`));
  clearInterval(keepAlive);
  process.exit(0);
};
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void stop(signal));
