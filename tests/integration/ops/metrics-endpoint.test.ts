/**
 * GET /api/metrics (issue 14, item 1): the runtime's registry as Prometheus text, parsed with a
 * Prometheus text parser; its counters move with a run and gateway calls (miss, hit, error), and
 * it answers only loopback callers when no METRICS_TOKEN is set — the address TRUST_PROXY_HOPS
 * vouches for, so a client behind the proxy is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installPeerStamp } from "@/lib/http/peer-stamp";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";
import { parseMetrics, sample } from "../../helpers/prometheus";

let app: AppServer;
let api: ApiClient;
let key: string;

beforeAll(async () => {
  installPeerStamp();
  app = await startAppServer({ TRUST_PROXY_HOPS: "1" });
  api = new ApiClient(app.url);
  await api.signUp();
  key = (await api.post("/api/keys", { name: "metrics", role: "member" })).json.key;
});
afterAll(async () => app?.close());

async function scrape() {
  const response = await fetch(`${app.url}/api/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return parseMetrics(await response.text());
}

const gateway = (content: string, headers: Record<string, string> = {}) =>
  fetch(`${app.url}/api/anthropic/v1/messages`, {
    method: "POST",
    headers: {
      "x-api-key": key,
      "anthropic-version": "2023-06-01",
      "content-type": "application/json",
      ...headers,
    },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 64,
      temperature: 0,
      messages: [{ role: "user", content }],
    }),
  });

async function waitForRun(id: string) {
  for (let i = 0; i < 200; i++) {
    const { json } = await api.get(`/api/runs/${id}`);
    if (!["queued", "running"].includes(json.run.status)) return json.run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${id} did not finish`);
}

describe(`GET /api/metrics on ${dbKind}`, () => {
  it("counts a run and gateway calls — a miss, a hit, an upstream error — by bounded labels", async () => {
    const before = await scrape();
    const count = (f: typeof before, name: string, labels: Record<string, string> = {}) =>
      sample(f, name, labels) ?? 0;

    const { json } = await api.get("/api/agents");
    const started = await api.post("/api/runs", {
      mode: "parallel",
      task: "Count me in the metrics.",
      agents: [json.agents[0].id],
    });
    expect(started.status).toBe(201);
    expect((await waitForRun(started.json.id)).status).toBe("succeeded");

    const question = `metrics ${Math.random()}`;
    const miss = await gateway(question);
    expect(miss.headers.get("x-ensemble-cache")).toBe("miss");
    await miss.text();
    const hit = await gateway(question);
    expect(hit.headers.get("x-ensemble-cache")).toBe("hit-memory");
    await hit.text();
    const error = await gateway("[[sim:status=529]] overloaded", { "x-ensemble-cache": "bypass" });
    expect(error.status).toBe(529);
    await error.text();

    const after = await scrape();
    const route = "/api/anthropic/v1/messages";
    expect(count(after, "ensemble_http_requests_total", { route, status: "200" })).toBe(
      count(before, "ensemble_http_requests_total", { route, status: "200" }) + 2,
    );
    expect(count(after, "ensemble_http_requests_total", { route, status: "529" })).toBe(1);
    expect(
      count(after, "ensemble_http_requests_total", { route: "/api/runs/[id]", method: "GET" }),
    ).toBeGreaterThan(0);
    // Route patterns, never paths with ids.
    const routes = after.get("ensemble_http_requests_total")!.metrics.map((m) => m.labels!.route);
    expect(routes.some((r) => r?.includes(started.json.id))).toBe(false);

    const model = "claude-sonnet-4-5";
    expect(count(after, "ensemble_upstream_calls_total", { model, outcome: "ok" })).toBeGreaterThan(
      count(before, "ensemble_upstream_calls_total", { model, outcome: "ok" }),
    );
    expect(count(after, "ensemble_upstream_calls_total", { model, outcome: "overloaded" })).toBe(1);
    expect(
      count(after, "ensemble_upstream_tokens_total", { model, kind: "output" }),
    ).toBeGreaterThan(0);
    expect(count(after, "ensemble_upstream_cost_usd_total", { model })).toBeGreaterThan(0);
    expect(after.get("ensemble_upstream_ttft_seconds")?.type).toBe("HISTOGRAM");

    expect(count(after, "ensemble_cache_lookups_total", { tier: "l1", outcome: "hit" })).toBe(1);
    // The gateway's miss; the run's step is a miss or a bypass (by its agent's temperature).
    expect(
      count(after, "ensemble_cache_lookups_total", { tier: "upstream", outcome: "miss" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      count(after, "ensemble_cache_lookups_total", { tier: "upstream", outcome: "bypass" }),
    ).toBeGreaterThanOrEqual(1);
    expect(count(after, "ensemble_runs_finished_total", { status: "succeeded" })).toBe(1);
    expect(count(after, "ensemble_semaphore_wait_seconds", { pool: "gateway" })).toBe(0);
    expect(after.get("ensemble_semaphore_wait_seconds")?.metrics.length).toBeGreaterThan(0);
    // L2 writes land after the answer, in batches: the gauge is there, its value may lag.
    expect(after.get("ensemble_cache_l2_entries")?.metrics).toHaveLength(1);
    expect(after.has("ensemble_batch_pending")).toBe(true);
    expect(after.has("ensemble_process_cpu_user_seconds_total")).toBe(true);
  });

  it("refuses a caller whose address, as the trusted proxy reports it, is not loopback", async () => {
    const refused = await fetch(`${app.url}/api/metrics`, {
      headers: { "x-forwarded-for": "203.0.113.7" },
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain("ensemble_");
    const local = await fetch(`${app.url}/api/metrics`, {
      headers: { "x-forwarded-for": "127.0.0.1" },
    });
    expect(local.status).toBe(200);
  });
});
