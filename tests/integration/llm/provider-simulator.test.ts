import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import {
  countTokens,
  createAnthropicProvider,
  startSimulator,
  type AnthropicProvider,
  type Simulator,
} from "@/lib/llm";
import { collect, eventually, request, settle, textOf } from "./helpers";

let sim: Simulator;
let provider: AnthropicProvider;

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  provider = createAnthropicProvider({
    apiKey: "sk-test-key",
    baseURL: sim.url,
    kind: "simulator",
    // Broken-JSON tests make the SDK log; keep the output readable.
    logLevel: "off",
  });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.reset();
});

describe("streaming through the real SDK", () => {
  it("yields the Anthropic event sequence with usage, pings filtered by the SDK", async () => {
    const events = await collect(provider.stream(request("Plan the release.")));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe("message_start");
    expect(types[1]).toBe("content_block_start");
    expect(types.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    const middle = types.slice(2, -3);
    expect(middle.length).toBeGreaterThan(2);
    expect(new Set(middle)).toEqual(new Set(["content_block_delta"]));

    const start = events[0];
    const delta = events.at(-2);
    if (start?.type !== "message_start" || delta?.type !== "message_delta")
      throw new Error("shape");
    expect(start.message.usage.input_tokens).toBeGreaterThan(0);
    expect(start.message.model).toBe("claude-sim");
    expect(delta.delta.stop_reason).toBe("end_turn");
    expect(delta.usage.output_tokens).toBe(countTokens(textOf(events)));
    expect(provider.kind).toBe("simulator");
  });

  it("answers the same request with the same text and a different request with another", async () => {
    const a = textOf(await collect(provider.stream(request("Plan the release."))));
    const b = textOf(await collect(provider.stream(request("Plan the release."))));
    const c = textOf(await collect(provider.stream(request("Plan the rollback."))));
    const d = textOf(
      await collect(provider.stream(request("Plan the release.", { temperature: 0.7 }))),
    );
    expect(a.length).toBeGreaterThan(20);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(d).not.toBe(a);
  });

  it("stops at max_tokens with stop_reason max_tokens", async () => {
    const events = await collect(
      provider.stream(request("Write at length [[sim:tokens=500]]", { max_tokens: 16 })),
    );
    const delta = events.find((e) => e.type === "message_delta");
    if (delta?.type !== "message_delta") throw new Error("no message_delta");
    expect(delta.delta.stop_reason).toBe("max_tokens");
    expect(delta.usage.output_tokens).toBe(16);
  });

  it("gives the same text on the non-streaming JSON path (SDK messages.create)", async () => {
    const client = new Anthropic({ apiKey: "k", baseURL: sim.url, maxRetries: 0 });
    const message = await client.messages.create(request("Plan the release."));
    const streamed = textOf(await collect(provider.stream(request("Plan the release."))));
    expect(message.type).toBe("message");
    expect(message.content[0]).toMatchObject({ type: "text", text: streamed });
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.output_tokens).toBe(countTokens(streamed));
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    // The provider's own non-streaming call agrees.
    const completed = await provider.complete(request("Plan the release."));
    expect(completed.content).toEqual(message.content);
  });
});

describe("upstream errors through the real SDK", () => {
  it("maps a 429 with retry-after to upstream_rate_limited with retryAfterMs, without SDK retries", async () => {
    const { error } = await settle(
      provider.stream(request("Hi [[sim:status=429,retry-after=1,should-retry=true]]")),
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error?.code).toBe("upstream_rate_limited");
    expect(error?.status).toBe(429);
    expect(error?.retryAfterMs).toBe(1000);
    expect(error?.details).toMatchObject({ upstreamStatus: 429, shouldRetry: true });
    // maxRetries: 0 — the SDK did not try again behind the orchestrator's back.
    expect(sim.stats().requests).toBe(1);
  });

  it("maps a 529 to upstream_overloaded", async () => {
    const { error } = await settle(provider.stream(request("Hi [[sim:status=529]]")));
    expect(error?.code).toBe("upstream_overloaded");
    expect(error?.details?.upstreamType).toBe("overloaded_error");
    expect(sim.stats().requests).toBe(1);
  });

  it("maps a 500 to upstream_error keeping the upstream status", async () => {
    const { error } = await settle(provider.stream(request("Hi [[sim:status=500]]")));
    expect(error?.code).toBe("upstream_error");
    expect(error?.details?.upstreamStatus).toBe(500);
  });

  it("maps a request without credentials to upstream_auth", async () => {
    const stripAuth: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.delete("authorization");
      headers.delete("x-api-key");
      return fetch(input, { ...init, headers });
    };
    const noAuth = createAnthropicProvider({
      apiKey: "sk-test-key",
      baseURL: sim.url,
      kind: "simulator",
      fetch: stripAuth,
    });
    const { error } = await settle(noAuth.stream(request("Hi")));
    expect(error?.code).toBe("upstream_auth");
    expect(error?.details?.upstreamStatus).toBe(401);
    expect(error?.message).not.toContain("sk-test-key");
  });

  it("maps an invalid request to upstream_invalid_request", async () => {
    const { error } = await settle(provider.stream(request("Hi", { max_tokens: 0 })));
    expect(error?.code).toBe("upstream_invalid_request");
    expect(error?.message).toContain("max_tokens");
  });

  it("maps a malformed marker to upstream_invalid_request naming the directive", async () => {
    const { error } = await settle(provider.stream(request("Hi [[sim:stauts=500]]")));
    expect(error?.code).toBe("upstream_invalid_request");
    expect(error?.message).toContain("stauts");
  });

  it("maps a dropped connection to upstream_connection", async () => {
    const { error } = await settle(provider.stream(request("Hi [[sim:drop]]")));
    expect(error?.code).toBe("upstream_connection");
  });

  it("maps invalid JSON to upstream_error, streamed or not", async () => {
    const streamed = await settle(provider.stream(request("Hi [[sim:invalid-json]]")));
    expect(streamed.events).toHaveLength(0);
    expect(streamed.error?.code).toBe("upstream_error");
    expect(streamed.error?.details?.reason).toBe("invalid_response");
    const json = await provider.complete(request("Hi [[sim:invalid-json]]")).catch((e) => e);
    expect((json as AppError).code).toBe("upstream_error");
  });

  it("fails the first two identical requests, then succeeds (fail-first)", async () => {
    const req = request("Flaky [[sim:fail-first=2,status=529]]");
    const first = await settle(provider.stream(req));
    const second = await settle(provider.stream(req));
    const third = await settle(provider.stream(req));
    expect(first.error?.code).toBe("upstream_overloaded");
    expect(second.error?.code).toBe("upstream_overloaded");
    expect(third.error).toBeUndefined();
    expect(third.events.at(-1)?.type).toBe("message_stop");
    // Counted per distinct request: another prompt starts its own count.
    const other = await settle(provider.stream(request("Other [[sim:fail-first=2,status=529]]")));
    expect(other.error?.code).toBe("upstream_overloaded");
    expect(sim.stats().outcomes).toMatchObject({ http_error: 3, ok: 1 });
  });
});

describe("mid-stream failures", () => {
  it("reports a dropped connection mid-stream as stream_interrupted after the delivered deltas", async () => {
    const { events, error } = await settle(
      provider.stream(request("Long [[sim:disconnect-after=3,tokens=200]]")),
    );
    expect(error?.code).toBe("stream_interrupted");
    expect(error?.details?.midStream).toBe(true);
    expect(events.filter((e) => e.type === "content_block_delta")).toHaveLength(3);
    expect(sim.stats().outcomes.disconnect).toBe(1);
    // The simulator closed it, not the client.
    expect(sim.stats().clientClosed).toBe(0);
  });

  it("reports an SSE error event mid-stream as stream_interrupted with the upstream type", async () => {
    const { events, error } = await settle(
      provider.stream(request("Long [[sim:error-after=2,tokens=200]]")),
    );
    expect(error?.code).toBe("stream_interrupted");
    expect(error?.details).toMatchObject({ upstreamType: "overloaded_error", midStream: true });
    expect(events.filter((e) => e.type === "content_block_delta")).toHaveLength(2);
    expect(sim.stats().outcomes.stream_error).toBe(1);
  });
});

describe("cancellation", () => {
  it("aborts a hanging call on AbortSignal.timeout, and the simulator sees the client close", async () => {
    const { error } = await settle(
      provider.stream(request("Wait [[sim:hang]]"), { signal: AbortSignal.timeout(150) }),
    );
    // A hanging answer never ends by itself: only the caller's timeout can have ended this one.
    expect(error?.code).toBe("upstream_timeout");
    expect(error?.details?.aborted).toBe(true);
    await eventually(() => {
      expect(sim.stats().clientClosed).toBe(1);
      expect(sim.stats().inFlight).toBe(0);
    });
    expect(sim.stats().outcomes.hang).toBe(1);
  });

  it("reports a caller's abort mid-stream as cancelled instead of ending quietly", async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const { error } = await settle(
      (async function* () {
        for await (const event of provider.stream(request("Slow [[sim:tps=50,tokens=200]]"), {
          signal: controller.signal,
        })) {
          seen.push(event.type);
          if (event.type === "content_block_delta") controller.abort();
          yield event;
        }
      })(),
    );
    expect(seen).toContain("content_block_delta");
    expect(error?.code).toBe("cancelled");
    expect(error?.details?.midStream).toBe(true);
    await eventually(() => expect(sim.stats().clientClosed).toBe(1));
  });

  it("closes the upstream request when the consumer stops iterating early", async () => {
    for await (const event of provider.stream(request("Slow [[sim:tps=50,tokens=200]]"))) {
      if (event.type === "content_block_delta") break;
    }
    await eventually(() => expect(sim.stats().clientClosed).toBe(1));
  });

  it("times out a stream that stalls mid-way, as a timeout after delivered events", async () => {
    const { events, error } = await settle(
      provider.stream(request("Stuck [[sim:stall-after=2,tokens=200]]"), {
        signal: AbortSignal.timeout(200),
      }),
    );
    expect(events.filter((e) => e.type === "content_block_delta")).toHaveLength(2);
    expect(error?.code).toBe("upstream_timeout");
    expect(error?.details?.midStream).toBe(true);
    await eventually(() => expect(sim.stats().clientClosed).toBe(1));
  });

  it("fails at once, without a request, when the signal is already aborted", async () => {
    const { error } = await settle(provider.stream(request("Hi"), { signal: AbortSignal.abort() }));
    expect(error?.code).toBe("cancelled");
    expect(sim.stats().requests).toBe(0);
  });
});

describe("timing", () => {
  it("waits ttft before the first delta and paces the rest at the requested rate", async () => {
    const started = performance.now();
    let firstDeltaAt = 0;
    const events = [];
    for await (const event of provider.stream(
      request("Paced [[sim:ttft=200,tps=400,tokens=80]]"),
    )) {
      if (event.type === "content_block_delta" && firstDeltaAt === 0) {
        firstDeltaAt = performance.now() - started;
      }
      events.push(event);
    }
    const total = performance.now() - started;
    expect(firstDeltaAt).toBeGreaterThanOrEqual(190);
    // ~80 tokens at 400/s ≈ 190 ms more after the first delta.
    expect(total).toBeGreaterThanOrEqual(firstDeltaAt + 120);
    expect(events.at(-1)?.type).toBe("message_stop");
  });
});
