import "server-only";
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { type Instruments, createInstruments, createLabelGuard } from "./instruments";

export type { Instruments } from "./instruments";

interface PoolStats {
  active: number;
  waiting: number;
  limit: number;
}

/** What the metrics read at scrape time: the live state of the process's services. */
export interface MetricSources {
  upstreamPool(): PoolStats;
  /** The gateway's own upstream pool. */
  gatewayPool?(): PoolStats;
  circuits(): { model: string; state: "closed" | "open" | "half-open" }[];
  openStreams(): number;
  l1(): { entries: number; bytes: number; maxBytes: number; evictions: number };
  /** L2's rows and bytes: a database query, so it is read only at scrape time. */
  l2?(): Promise<{ entries: number; bytes: number }>;
  activeRuns(): number;
  /** Buffered writers (request log, cache statistics): rows waiting and rows dropped so far. */
  writers?(): { writer: string; pending: number; dropped: number }[];
}

/**
 * The process's Prometheus registry and the instruments other modules record into. Built once by
 * the runtime (no prom-client default registry: two runtimes in one test process must not share
 * counters). Label sets are bounded: route patterns, models, outcomes — never ids or prompts.
 */
export interface Metrics extends Instruments {
  registry: Registry;
  /** Bounds the model label (model names come from clients). */
  modelLabel(model: string): string;
}

const CIRCUIT_STATES = ["closed", "half-open", "open"] as const;

export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "ensemble_" });
  const instruments = createInstruments(registry);
  const g = (name: string, help: string, read: () => number) => gauge(registry, name, help, read);
  const pools = () => [
    { pool: "runs", ...sources.upstreamPool() },
    ...(sources.gatewayPool ? [{ pool: "gateway", ...sources.gatewayPool() }] : []),
  ];

  // The runs' pool keeps its original names; every pool is also labelled by name below.
  g(
    "ensemble_upstream_permits_active",
    "Upstream calls in flight (runs' pool).",
    () => sources.upstreamPool().active,
  );
  g(
    "ensemble_upstream_permits_waiting",
    "Calls queued for an upstream slot (runs' pool).",
    () => sources.upstreamPool().waiting,
  );
  g(
    "ensemble_upstream_permits_limit",
    "Upstream slots in the runs' pool.",
    () => sources.upstreamPool().limit,
  );
  labelled(registry, "ensemble_semaphore_active", "Permits held, by pool.", ["pool"], () =>
    pools().map((p) => [{ pool: p.pool }, p.active]),
  );
  labelled(
    registry,
    "ensemble_semaphore_queue_depth",
    "Callers waiting for a permit, by pool.",
    ["pool"],
    () => pools().map((p) => [{ pool: p.pool }, p.waiting]),
  );
  g("ensemble_sse_streams_open", "Run-event streams held open.", () => sources.openStreams());
  g("ensemble_runs_active", "Runs executing in this process.", () => sources.activeRuns());
  g("ensemble_cache_l1_bytes", "Bytes held by the in-memory cache tier.", () => sources.l1().bytes);
  g(
    "ensemble_cache_l1_entries",
    "Entries in the in-memory cache tier.",
    () => sources.l1().entries,
  );
  g(
    "ensemble_cache_l1_evictions",
    "Entries pushed out of L1 to stay in bounds.",
    () => sources.l1().evictions,
  );
  if (sources.l2) l2Gauges(registry, sources.l2);
  labelled(
    registry,
    "ensemble_batch_pending",
    "Rows waiting in a buffered writer.",
    ["writer"],
    () => (sources.writers?.() ?? []).map((w) => [{ writer: w.writer }, w.pending]),
  );
  new Counter({
    name: "ensemble_batch_dropped_total",
    help: "Rows a buffered writer dropped (refused by the store, or over its buffer).",
    labelNames: ["writer"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const w of sources.writers?.() ?? []) this.inc({ writer: w.writer }, w.dropped);
    },
  });
  new Gauge({
    name: "ensemble_circuit_state",
    help: "1 for the state each model's circuit breaker is in (closed, half-open, open).",
    labelNames: ["model", "state"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const c of sources.circuits()) {
        for (const state of CIRCUIT_STATES)
          this.set({ model: c.model, state }, c.state === state ? 1 : 0);
      }
    },
  });

  return { registry, ...instruments, modelLabel: createLabelGuard() };
}

function gauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

function labelled<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
  read: () => [Record<L, string>, number][],
): void {
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.set(labels as never, value);
    },
  });
}

function l2Gauges(registry: Registry, read: () => Promise<{ entries: number; bytes: number }>) {
  // One query per scrape feeds both gauges.
  let last: Promise<{ entries: number; bytes: number }> | undefined;
  const once = () =>
    (last ??= read().finally(() => setTimeout(() => (last = undefined), 1000).unref()));
  for (const [name, help, pick] of [
    ["ensemble_cache_l2_entries", "Entries in the database cache tier.", "entries"],
    ["ensemble_cache_l2_bytes", "Bytes held by the database cache tier.", "bytes"],
  ] as const) {
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const size = await once().catch(() => undefined);
        if (size) this.set(size[pick]);
      },
    });
  }
}
