import "server-only";
import type { Env } from "@/lib/config";
import type { Database } from "@/lib/db";
import { logger } from "@/lib/log";
import type { Metrics } from "@/lib/metrics/registry";
import { scheduleRetention } from "@/lib/retention";
import type { CloseStack } from "./close-stack";

/** The periodic retention sweep, counting what it deletes in the metrics. */
export function scheduleRetentionSweep(
  config: Env,
  db: Database,
  metrics: Metrics,
  stack: CloseStack,
): void {
  const retention = scheduleRetention({
    prisma: db.prisma,
    intervalMs: config.RETENTION_INTERVAL_MS,
    policy: {
      runsDays: config.RETENTION_RUNS_DAYS,
      requestLogDays: config.RETENTION_REQUEST_LOG_DAYS,
      statsMinuteDays: config.RETENTION_STATS_MINUTE_DAYS,
      statsHourDays: config.RETENTION_STATS_HOUR_DAYS,
      warmJobsDays: config.RETENTION_WARM_JOBS_DAYS,
      auditDays: config.RETENTION_AUDIT_DAYS,
    },
    log: logger.child("retention"),
    onSwept: (counts) => {
      for (const [kind, n] of Object.entries(counts)) metrics.retentionDeleted.inc({ kind }, n);
    },
  });
  stack.defer("retention sweep", () => retention.close());
}
