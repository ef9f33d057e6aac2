import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator, type SimulatorStats } from "@/lib/llm/simulator";
import { eventually } from "./helpers";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.reset();
});

const headers = {
  "content-type": "application/json",
  "x-api-key": "any",
  "anthropic-version": "2023-06-01",
};

function post(body: unknown, extra: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(`${sim.url}/v1/messages`, {
    method: "POST",
    headers: { ...headers, ...extra },
    body: JSON.stringify(body),
    signal,
  });
}

const message = (content: string, more: Record<string, unknown> = {}) => ({
  model: "claude-sim",
  max_tokens: 64,
  messages: [{ role: "user", content }],
  ...more,
});

/** The `event:` names of an SSE body, in order. */
function eventNames(body: string): string[] {
  return [...body.matchAll(/^event: (.+)$/gm)].map((m) => m[1] as string);
}

describe("the simulator over plain HTTP", () => {
  it("speaks SSE with ping after content_block_start, accepting x-api-key", async () => {
    const res = await post(message("Hello", { stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.headers.get("request-id")).toMatch(/^req_sim_/);
    const names = eventNames(await res.text());
    expect(names.slice(0, 4)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
    ]);
    expect(names.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
  });

  it("answers Anthropic-shaped errors with the right status codes", async () => {
    const noKey = await post(message("Hi"), { "x-api-key": "" });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({
      type: "error",
      error: { type: "authentication_error" },
    });

    const noVersion = await fetch(`${sim.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer k" },
      body: JSON.stringify(message("Hi")),
    });
    expect(noVersion.status).toBe(400);

    const badJson = await fetch(`${sim.url}/v1/messages`, {
      method: "POST",
      headers,
      body: "{not json",
    });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: { type: "invalid_request_error" } });

    const noMessages = await post({ model: "m", max_tokens: 5, messages: [] });
    expect(noMessages.status).toBe(400);
    const noModel = await post({ max_tokens: 5, messages: [{ role: "user", content: "x" }] });
    expect((await noModel.json()).error.message).toContain("model");

    const overloaded = await post(message("Hi [[sim:status=529,retry-after-ms=1500]]"));
    expect(overloaded.status).toBe(529);
    expect(overloaded.headers.get("retry-after-ms")).toBe("1500");
    expect(await overloaded.json()).toMatchObject({ error: { type: "overloaded_error" } });

    const notFound = await fetch(`${sim.url}/v1/nothing`);
    expect(notFound.status).toBe(404);
  });

  it("applies queued faults to the next N requests, optionally only for one model", async () => {
    const queued = await fetch(`${sim.url}/_sim/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        { directive: "status=503", times: 2, model: "claude-other" },
        { directive: "status=429,retry-after=3", times: 1 },
      ]),
    });
    expect(queued.status).toBe(200);

    // The first fault only matches claude-other, so this takes the second.
    const a = await post(message("Hi"));
    expect(a.status).toBe(429);
    expect(a.headers.get("retry-after")).toBe("3");
    expect((await post(message("Hi"))).status).toBe(200);
    expect((await post(message("Hi", { model: "claude-other" }))).status).toBe(503);
    expect((await post(message("Hi", { model: "claude-other" }))).status).toBe(503);
    expect((await post(message("Hi", { model: "claude-other" }))).status).toBe(200);
  });

  it("rejects a queued fault with an unknown directive", async () => {
    const res = await fetch(`${sim.url}/_sim/faults`, {
      method: "POST",
      body: JSON.stringify({ directive: "explode" }),
    });
    expect(res.status).toBe(400);
    expect(sim.stats().requests).toBe(0);
  });

  it("counts requests, outcomes and statuses, in process and over HTTP, until reset", async () => {
    await post(message("one"));
    await (await post(message("two", { stream: true }))).text();
    await post(message("three [[sim:status=500]]"));
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as SimulatorStats;
    expect(stats).toMatchObject({
      requests: 3,
      streamed: 1,
      outcomes: { ok: 2, http_error: 1 },
      statuses: { "200": 2, "500": 1 },
      inFlight: 0,
    });
    expect(stats.outputTokens).toBeGreaterThan(0);
    expect(sim.stats()).toEqual(stats);

    const reset = await fetch(`${sim.url}/_sim/reset`, { method: "POST" });
    expect(reset.status).toBe(200);
    expect(sim.stats().requests).toBe(0);
  });

  it("tracks open connections and notices a client that gives up on a hanging request", async () => {
    const controller = new AbortController();
    const pending = post(message("Hold [[sim:hang]]"), {}, controller.signal).catch((e) => e);
    await eventually(() => expect(sim.stats().inFlight).toBe(1));
    expect(sim.stats().openConnections).toBeGreaterThanOrEqual(1);
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await eventually(() => {
      expect(sim.stats().clientClosed).toBe(1);
      expect(sim.stats().inFlight).toBe(0);
    });
  });

  it("delays the response headers by the latency marker", async () => {
    const started = performance.now();
    const res = await post(message("Slow [[sim:latency=250]]"));
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });

  it("counts input tokens consistently through count_tokens", async () => {
    const res = await fetch(`${sim.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers,
      body: JSON.stringify(message("x".repeat(40))),
    });
    expect(await res.json()).toEqual({ input_tokens: 10 + 4 });
  });

  it("serves 200 concurrent zero-latency streams correctly", async () => {
    const bodies = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        post(message(`Question ${i % 20}`, { stream: true, max_tokens: 200 })).then((r) =>
          r.text(),
        ),
      ),
    );
    for (const body of bodies) expect(eventNames(body).at(-1)).toBe("message_stop");
    // Same prompt, same bytes apart from the message id.
    const strip = (b: string) => b.replace(/"id":"[^"]+"/, "");
    expect(strip(bodies[0] as string)).toBe(strip(bodies[20] as string));
    expect(sim.stats()).toMatchObject({ requests: 200, outcomes: { ok: 200 }, inFlight: 0 });
  });
});
