import "server-only";
import { Counter, Histogram, type Registry } from "prom-client";

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * The instruments other modules record into as things happen (the live state is read at scrape
 * time, see registry.ts). Every label value comes from a closed set or passes a LabelGuard.
 */
export interface Instruments {
  httpRequests: Counter<"route" | "method" | "status">;
  httpLatency: Histogram<"route" | "method">;
  upstreamCalls: Counter<"model" | "outcome">;
  upstreamLatency: Histogram<"model">;
  upstreamTtft: Histogram<"model">;
  upstreamTokens: Counter<"model" | "kind">;
  upstreamCost: Counter<"model">;
  cacheLookups: Counter<"tier" | "outcome">;
  cacheEvictions: Counter<"tier">;
  semaphoreWait: Histogram<"pool">;
  flightLockWait: Histogram;
  outboundWait: Histogram<"model" | "outcome">;
  runsFinished: Counter<"status">;
  retentionDeleted: Counter<"kind">;
}

export function createInstruments(registry: Registry): Instruments {
  return { ...trafficInstruments([registry]), ...stateInstruments([registry]) };
}

/** HTTP requests and upstream calls: what came in and what went out. */
function trafficInstruments(registers: Registry[]) {
  return {
    httpRequests: new Counter({
      name: "ensemble_http_requests_total",
      help: "HTTP requests answered, by route pattern, method and status.",
      labelNames: ["route", "method", "status"] as const,
      registers,
    }),
    httpLatency: new Histogram({
      name: "ensemble_http_request_duration_seconds",
      help: "Time to the response's headers (the gateway: to its last byte), by route pattern.",
      labelNames: ["route", "method"] as const,
      buckets: [0.001, 0.0025, ...SECONDS],
      registers,
    }),
    upstreamCalls: new Counter({
      name: "ensemble_upstream_calls_total",
      help: "Calls to the model provider, by model and outcome (ok, rate_limited, overloaded, …).",
      labelNames: ["model", "outcome"] as const,
      registers,
    }),
    upstreamLatency: new Histogram({
      name: "ensemble_upstream_duration_seconds",
      help: "Upstream calls from request to the answer's last byte.",
      labelNames: ["model"] as const,
      buckets: SECONDS,
      registers,
    }),
    upstreamTtft: new Histogram({
      name: "ensemble_upstream_ttft_seconds",
      help: "Upstream calls from request to the first body byte.",
      labelNames: ["model"] as const,
      buckets: SECONDS,
      registers,
    }),
    upstreamTokens: new Counter({
      name: "ensemble_upstream_tokens_total",
      help: "Tokens the upstream reported, by model and kind (input, output).",
      labelNames: ["model", "kind"] as const,
      registers,
    }),
    upstreamCost: new Counter({
      name: "ensemble_upstream_cost_usd_total",
      help: "Estimated list-price cost of upstream calls, in US dollars.",
      labelNames: ["model"] as const,
      registers,
    }),
  };
}

/** The cache, the upstream pools, runs and retention. */
function stateInstruments(registers: Registry[]) {
  return {
    cacheLookups: new Counter({
      name: "ensemble_cache_lookups_total",
      help: "Cache lookups by the tier that answered (l1, l2, flight, upstream) and outcome.",
      labelNames: ["tier", "outcome"] as const,
      registers,
    }),
    cacheEvictions: new Counter({
      name: "ensemble_cache_evictions_total",
      help: "Entries evicted for space, by tier.",
      labelNames: ["tier"] as const,
      registers,
    }),
    semaphoreWait: new Histogram({
      name: "ensemble_semaphore_wait_seconds",
      help: "Time spent waiting for an upstream permit, by pool (runs, gateway).",
      labelNames: ["pool"] as const,
      buckets: [0.0005, 0.001, 0.005, ...SECONDS],
      registers,
    }),
    flightLockWait: new Histogram({
      name: "ensemble_flight_lock_wait_seconds",
      help: "Time a request waited for another instance's single-flight leader (its lock).",
      buckets: [0.005, ...SECONDS],
      registers,
    }),
    outboundWait: new Histogram({
      name: "ensemble_outbound_wait_seconds",
      help: "Calls that waited for room under the outbound limits, by model and outcome (admitted, refused).",
      labelNames: ["model", "outcome"] as const,
      buckets: [0.01, ...SECONDS],
      registers,
    }),
    runsFinished: new Counter({
      name: "ensemble_runs_finished_total",
      help: "Runs that ended in this process, by final status.",
      labelNames: ["status"] as const,
      registers,
    }),
    retentionDeleted: new Counter({
      name: "ensemble_retention_deleted_total",
      help: "Rows deleted or rolled up by the retention sweep, by kind.",
      labelNames: ["kind"] as const,
      registers,
    }),
  };
}

/**
 * Keeps a label's value set bounded when its values come from outside (model names sent by
 * clients): the first `max` distinct values are kept, later ones are reported as "other".
 */
export function createLabelGuard(max = 64): (value: string) => string {
  const seen = new Set<string>();
  return (value) => {
    if (seen.has(value)) return value;
    if (seen.size >= max || value === "") return "other";
    seen.add(value);
    return value;
  };
}
