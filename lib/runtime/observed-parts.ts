import "server-only";
import type { CacheOutcome } from "@/lib/cache";
import type { RequestLog } from "@/lib/gateway/request-log";
import type { StreamQuota } from "@/lib/http/stream-quota";
import { type Metrics, createMetrics } from "@/lib/metrics/registry";
import type { RunRuntime } from "@/lib/runs/runtime-types";
import type { CacheServices } from "./response-cache";
import type { FairSemaphore, Semaphore } from "@/lib/orchestrator";
import { inSpan } from "@/lib/tracing";

/** A semaphore whose waits are timed (metrics); everything else is the semaphore's own. */
export function timedSemaphore(
  semaphore: Semaphore,
  observe: (seconds: number) => void,
  pool = "upstream",
): Semaphore {
  return {
    // A span too, while tracing is on: the wait for a permit shows in the request's trace.
    acquire: (signal) =>
      inSpan("permit.wait", { "ensemble.pool": pool }, async () => {
        const started = performance.now();
        const release = await semaphore.acquire(signal);
        observe((performance.now() - started) / 1000);
        return release;
      }),
    stats: () => semaphore.stats(),
  };
}

/** The runs' fair pool, with each tenant's waits timed. */
export function timedFairSemaphore(
  semaphore: FairSemaphore,
  observe: (seconds: number) => void,
): FairSemaphore {
  return {
    ...semaphore,
    forTenant: (tenant) => timedSemaphore(semaphore.forTenant(tenant), observe, "runs"),
  };
}

// Which tier answered a lookup, and how: bounded label pairs for ensemble_cache_lookups_total.
const LOOKUP: Partial<Record<CacheOutcome, { tier: string; outcome: string }>> = {
  "hit-memory": { tier: "l1", outcome: "hit" },
  "hit-db": { tier: "l2", outcome: "hit" },
  miss: { tier: "upstream", outcome: "miss" },
  coalesced: { tier: "flight", outcome: "coalesced" },
  bypass: { tier: "upstream", outcome: "bypass" },
  tampered: { tier: "l2", outcome: "tampered" },
};

/** Counts the cache's outcomes in the metrics (lookups by tier, evictions by tier). */
export function cacheOutcomeRecorder(metrics: Metrics) {
  return (outcome: CacheOutcome, tier: "l1" | "l2") => {
    if (outcome === "eviction") return void metrics.cacheEvictions.inc({ tier });
    const labels = LOOKUP[outcome];
    if (labels) metrics.cacheLookups.inc(labels);
  };
}

/** What the runtime's gauges read, each at scrape time. */
export interface ObservedParts {
  runs: Pick<RunRuntime, "semaphore" | "breakers" | "activeRuns">;
  gatewayPool: Semaphore;
  streamQuota: StreamQuota;
  cacheServices: CacheServices;
  requestLog: RequestLog;
}

/**
 * The process's metrics, built before the parts it observes (they record into it), so its gauges
 * reach them through `parts`, called only when Prometheus scrapes.
 */
export function createRuntimeMetrics(parts: () => ObservedParts): Metrics {
  return createMetrics({
    upstreamPool: () => parts().runs.semaphore.stats(),
    gatewayPool: () => parts().gatewayPool.stats(),
    circuits: () => parts().runs.breakers.snapshot(),
    openStreams: () => parts().streamQuota.size(),
    l1: () => parts().cacheServices.l1.stats(),
    l2: () => parts().cacheServices.admin.totals(),
    activeRuns: () => parts().runs.activeRuns.ids().length,
    writers: () => [
      { writer: "request_log", ...parts().requestLog.stats() },
      { writer: "cache_stats", pending: parts().cacheServices.stats.size(), dropped: 0 },
    ],
  });
}
