/**
 * OpenTelemetry traces (issue 14, item 2), exported to an in-memory exporter through the SDK the
 * app installs when OTEL_EXPORTER_OTLP_ENDPOINT is set: a gateway miss and a 2-step run each form
 * one tree under the caller's `traceparent` — request → cache lookup → model call (GenAI
 * attributes: model, tokens, finish reasons), request → run → step → attempt → permit wait and
 * cache lookup → model call — and no span holds the prompt.
 */
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installTracing } from "@/lib/tracing/install";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const exporter = new InMemorySpanExporter();
let stopTracing: () => Promise<void>;
let app: AppServer;
let api: ApiClient;
let key: string;

beforeAll(async () => {
  stopTracing = installTracing({ exporter, serviceName: "ensemble-test", immediate: true });
  app = await startAppServer();
  api = new ApiClient(app.url);
  await api.signUp();
  key = (await api.post("/api/keys", { name: "traces", role: "member" })).json.key;
});
afterAll(async () => {
  await app?.close();
  await stopTracing?.();
});

const traceId = () =>
  [...crypto.getRandomValues(new Uint8Array(16))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
const REMOTE_PARENT = "00f067aa0ba902b7";

const spansOf = (trace: string) =>
  exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === trace);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const childrenOf = (spans: ReadableSpan[], parent: ReadableSpan, name: RegExp) =>
  spans.filter((s) => parentOf(s) === parent.spanContext().spanId && name.test(s.name));

describe(`traces on ${dbKind}`, () => {
  it("a gateway miss: request → cache lookup → model call, under the caller's traceparent", async () => {
    const trace = traceId();
    const prompt = `trace me ${Math.random()}`;
    const response = await fetch(`${app.url}/api/anthropic/v1/messages`, {
      method: "POST",
      headers: {
        "x-api-key": key,
        "anthropic-version": "2023-06-01",
        "content-type": "application/json",
        traceparent: `00-${trace}-${REMOTE_PARENT}-01`,
      },
      body: JSON.stringify({
        model: "claude-sonnet-4-5",
        max_tokens: 32,
        temperature: 0,
        messages: [{ role: "user", content: prompt }],
      }),
    });
    expect(response.headers.get("x-ensemble-cache")).toBe("miss");
    const answer = await response.json();
    await expect.poll(() => spansOf(trace).some((s) => s.name.startsWith("POST "))).toBe(true);

    const spans = spansOf(trace);
    const server = spans.find((s) => s.name === "POST /api/anthropic/v1/messages")!;
    expect(parentOf(server)).toBe(REMOTE_PARENT);
    expect(server.attributes["http.response.status_code"]).toBe(200);
    const [lookup] = childrenOf(spans, server, /^cache\.lookup$/);
    expect(lookup!.attributes["ensemble.cache.status"]).toBe("miss");
    const [chat] = childrenOf(spans, lookup!, /^chat /);
    expect(chat!.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "claude-sonnet-4-5",
      "gen_ai.response.finish_reasons": [answer.stop_reason],
      "gen_ai.usage.input_tokens": answer.usage.input_tokens,
      "gen_ai.usage.output_tokens": answer.usage.output_tokens,
    });
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(prompt);
  });

  it("a 2-step run: request → run → step → attempt → cache lookup → model call, per step", async () => {
    const trace = traceId();
    const { json } = await api.get("/api/agents");
    const started = await api.post(
      "/api/runs",
      { mode: "chain", task: "Trace this chain.", agents: [json.agents[0].id, json.agents[1].id] },
      { traceparent: `00-${trace}-${REMOTE_PARENT}-01` },
    );
    expect(started.status).toBe(201);
    await expect
      .poll(() => spansOf(trace).some((s) => s.name === "run"), { timeout: 30_000 })
      .toBe(true);

    const spans = spansOf(trace);
    const server = spans.find((s) => s.name === "POST /api/runs")!;
    expect(parentOf(server)).toBe(REMOTE_PARENT);
    const [run] = childrenOf(spans, server, /^run$/);
    expect(run!.attributes["ensemble.run.id"]).toBe(started.json.id);
    const steps = childrenOf(spans, run!, /^step$/);
    expect(steps).toHaveLength(2);
    for (const step of steps) {
      const [attempt] = childrenOf(spans, step, /^attempt$/);
      expect(attempt!.attributes["ensemble.attempt"]).toBe(1);
      expect(childrenOf(spans, attempt!, /^permit\.wait$/)).toHaveLength(1);
      const [lookup] = childrenOf(spans, attempt!, /^cache\.lookup$/);
      expect(lookup, `a lookup under step ${step.attributes["ensemble.step.key"]}`).toBeDefined();
      const chats = childrenOf(spans, lookup!, /^chat /);
      expect(chats).toHaveLength(1);
      expect(chats[0]!.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
    }
  });
});
