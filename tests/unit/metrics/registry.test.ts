import { describe, expect, it } from "vitest";
import { createMetrics, type MetricSources } from "@/lib/metrics/registry";
import { parseMetrics, sample } from "../../helpers/prometheus";

function sources(over: Partial<MetricSources> = {}): MetricSources {
  return {
    upstreamPool: () => ({ active: 3, waiting: 2, limit: 16 }),
    circuits: () => [{ model: "claude-a", state: "open" }],
    openStreams: () => 4,
    l1: () => ({ entries: 10, bytes: 2048, maxBytes: 4096, evictions: 1 }),
    activeRuns: () => 1,
    ...over,
  };
}

describe("createMetrics", () => {
  it("exposes the live state of the process in Prometheus text format", async () => {
    const metrics = createMetrics(sources());
    const families = parseMetrics(await metrics.registry.metrics());
    expect(sample(families, "ensemble_upstream_permits_active")).toBe(3);
    expect(sample(families, "ensemble_upstream_permits_waiting")).toBe(2);
    expect(sample(families, "ensemble_sse_streams_open")).toBe(4);
    expect(sample(families, "ensemble_cache_l1_bytes")).toBe(2048);
    expect(sample(families, "ensemble_circuit_state", { model: "claude-a", state: "open" })).toBe(
      1,
    );
    expect(sample(families, "ensemble_circuit_state", { model: "claude-a", state: "closed" })).toBe(
      0,
    );
    // Node's own process metrics come with it.
    expect(families.has("ensemble_process_resident_memory_bytes")).toBe(true);
  });

  it("reads its sources at every scrape, and counts what is recorded", async () => {
    let active = 0;
    const metrics = createMetrics(
      sources({ upstreamPool: () => ({ active, waiting: 0, limit: 4 }) }),
    );
    active = 2;
    metrics.retentionDeleted.inc({ kind: "runs" }, 5);
    metrics.httpRequests.inc({ route: "/api/runs", method: "GET", status: "200" });
    const families = parseMetrics(await metrics.registry.metrics());
    expect(sample(families, "ensemble_upstream_permits_active")).toBe(2);
    expect(sample(families, "ensemble_retention_deleted_total", { kind: "runs" })).toBe(5);
    expect(
      sample(families, "ensemble_http_requests_total", { route: "/api/runs", status: "200" }),
    ).toBe(1);
  });

  it("keeps two runtimes' registries apart", async () => {
    const a = createMetrics(sources());
    const b = createMetrics(sources());
    a.retentionDeleted.inc({ kind: "runs" }, 1);
    const families = parseMetrics(await b.registry.metrics());
    expect(sample(families, "ensemble_retention_deleted_total", { kind: "runs" })).toBeUndefined();
  });
});
