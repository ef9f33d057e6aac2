/**
 * The Anthropic-compatible gateway with the OFFICIAL SDK as its client: the app's real route
 * handlers over HTTP (startAppServer), an Ensemble API key, and `new Anthropic({ baseURL })`.
 * Whatever the SDK makes of our answers (messages, streams, error classes) is what users get.
 */
import Anthropic, {
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  OverloadedError,
  RateLimitError,
} from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

let app: AppServer;
let api: ApiClient;
let key: string;
let client: Anthropic;

const MODEL = "claude-sim";

beforeAll(async () => {
  app = await startAppServer();
  api = new ApiClient(app.url);
  await api.signUp();
  const created = await api.post("/api/keys", { name: "sdk tests", role: "member" });
  expect(created.status).toBe(201);
  key = created.json.key;
  client = sdkFor(key);
});
afterAll(async () => app?.close());

function sdkFor(apiKey: string): Anthropic {
  return new Anthropic({ baseURL: `${app.url}/api/anthropic`, apiKey, maxRetries: 0 });
}

const upstreamRequests = () => app.runtime.providerHandle.simulator!.stats().requests;

/** A prompt no other test (or earlier run against the same cache) has sent. */
const fresh = (text: string) => `${text} ${Math.random().toString(36).slice(2)}`;

/** Temperature 0: deterministic sampling is what the gateway caches by default. */
const params = (content: string, extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}) =>
  ({
    model: MODEL,
    max_tokens: 200,
    messages: [{ role: "user" as const, content }],
    temperature: 0,
    ...extra,
  }) as Anthropic.MessageCreateParamsNonStreaming;

const textOf = (message: Anthropic.Message) =>
  message.content.map((block) => (block.type === "text" ? block.text : "")).join("");

/** Runs `call` and returns what it threw (failing the test when it did not throw). */
async function thrown(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

describe(`the gateway through the official SDK on ${dbKind}`, () => {
  it("answers messages.create with a Message, then serves the identical repeat from memory without an upstream call", async () => {
    const request = params(fresh("Explain single-flight in one paragraph."));
    const before = upstreamRequests();

    const first = await client.messages.create(request).withResponse();
    expect(first.response.status).toBe(200);
    expect(first.response.headers.get("x-ensemble-cache")).toBe("miss");
    const message = first.data;
    expect(message.type).toBe("message");
    expect(message.role).toBe("assistant");
    expect(message.model).toBe(MODEL);
    expect(message.content[0]?.type).toBe("text");
    expect(textOf(message).length).toBeGreaterThan(20);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(upstreamRequests()).toBe(before + 1);

    const again = await client.messages.create(request).withResponse();
    expect(again.response.headers.get("x-ensemble-cache")).toBe("hit-memory");
    expect(textOf(again.data)).toBe(textOf(message));
    expect(again.data.usage.output_tokens).toBe(message.usage.output_tokens);
    expect(upstreamRequests()).toBe(before + 1);
  });

  it("accepts the key as Authorization: Bearer as well as x-api-key", async () => {
    const bearer = new Anthropic({
      baseURL: `${app.url}/api/anthropic`,
      apiKey: null,
      authToken: key,
      maxRetries: 0,
    });
    const message = await bearer.messages.create(params(fresh("Say hello.")));
    expect(textOf(message).length).toBeGreaterThan(0);
  });

  it("streams the same text as the non-streaming path, with Anthropic's events in order", async () => {
    const content = fresh("Describe a circuit breaker.");

    // messages.stream(): the SDK's high-level helper assembles the final text itself.
    const helper = client.messages.stream(params(content));
    const streamedText = await helper.finalText();
    const finalMessage = await helper.finalMessage();
    expect(finalMessage.usage.output_tokens).toBeGreaterThan(0);

    // The non-streaming answer to the same request, fetched from the upstream again (bypass).
    const before = upstreamRequests();
    const direct = await client.messages
      .create(params(content), { headers: { "x-ensemble-cache": "bypass" } })
      .withResponse();
    expect(direct.response.headers.get("x-ensemble-cache")).toBe("bypass");
    expect(upstreamRequests()).toBe(before + 1);
    expect(textOf(direct.data)).toBe(streamedText);
    expect(streamedText.length).toBeGreaterThan(20);

    // The raw SSE events of a fresh streamed request, as the SDK parsed them.
    const raw = await client.messages
      .create({ ...params(fresh("Describe a semaphore.")), stream: true })
      .withResponse();
    expect(raw.response.headers.get("content-type")).toContain("text/event-stream");
    expect(raw.response.headers.get("x-ensemble-cache")).toBe("miss");
    const types: string[] = [];
    let text = "";
    for await (const event of raw.data) {
      types.push(event.type);
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
        text += event.delta.text;
      }
    }
    expect(types[0]).toBe("message_start");
    expect(types[1]).toBe("content_block_start");
    expect(types.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    const middle = new Set(types.slice(2, -3));
    expect(middle).toEqual(new Set(["content_block_delta"]));
    expect(text.length).toBeGreaterThan(20);
  });

  it("serves a cached answer as a stream too, without another upstream call", async () => {
    const request = params(fresh("What is a cache stampede?"));
    const json = await client.messages.create(request);
    const before = upstreamRequests();

    const streamed = await client.messages.create({ ...request, stream: true }).withResponse();
    expect(streamed.response.headers.get("x-ensemble-cache")).toBe("hit-memory");
    let text = "";
    const types: string[] = [];
    for await (const event of streamed.data) {
      types.push(event.type);
      if (event.type === "content_block_delta" && event.delta.type === "text_delta")
        text += event.delta.text;
    }
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
    expect(text).toBe(textOf(json));
    expect(upstreamRequests()).toBe(before);
  });

  it("reaches the upstream again for x-ensemble-cache: bypass, and refresh rewrites the entry", async () => {
    const request = params(fresh("Name three consistency models."));
    await client.messages.create(request);
    const before = upstreamRequests();

    const bypass = await client.messages
      .create(request, { headers: { "x-ensemble-cache": "bypass" } })
      .withResponse();
    expect(bypass.response.headers.get("x-ensemble-cache")).toBe("bypass");
    expect(upstreamRequests()).toBe(before + 1);

    const refresh = await client.messages
      .create(request, { headers: { "x-ensemble-cache": "refresh" } })
      .withResponse();
    expect(refresh.response.headers.get("x-ensemble-cache")).toBe("miss");
    expect(upstreamRequests()).toBe(before + 2);

    const cached = await client.messages.create(request).withResponse();
    expect(cached.response.headers.get("x-ensemble-cache")).toBe("hit-memory");
    expect(upstreamRequests()).toBe(before + 2);
  });

  it("coalesces 100 identical concurrent requests into exactly one upstream call", async () => {
    // The upstream takes a while, so the later requests arrive while the first is in flight.
    const request = params(fresh("Summarize the CAP theorem. [[sim:latency=400]]"));
    const before = upstreamRequests();

    const results = await Promise.all(
      Array.from({ length: 100 }, () => client.messages.create(request).withResponse()),
    );

    expect(upstreamRequests()).toBe(before + 1);
    const texts = new Set(results.map((r) => textOf(r.data)));
    expect(texts.size).toBe(1);
    expect([...texts][0]!.length).toBeGreaterThan(20);
    const statuses = results.map((r) => r.response.headers.get("x-ensemble-cache"));
    expect(statuses.filter((s) => s === "miss")).toHaveLength(1);
    for (const status of statuses) expect(["miss", "coalesced", "hit-memory"]).toContain(status);
    // With a 400 ms upstream, at least some requests must have joined the flight in progress.
    expect(statuses.filter((s) => s === "coalesced").length).toBeGreaterThan(0);
  });

  it("lists gateway calls in GET /api/gateway/requests with their cache status", async () => {
    // A model name of its own identifies this test's rows (the log keeps no prompt text).
    const model = `claude-sim-log-${Math.random().toString(36).slice(2, 8)}`;
    const request = params(fresh("Log me."), { model });
    await client.messages.create(request);
    await client.messages.create(request);
    const streamed = await client.messages.create({ ...request, stream: true });
    for await (const _event of streamed) {
      // drained: the streamed call is logged when its stream ends
    }

    type Row = {
      model: string;
      status: number;
      stream: boolean;
      cacheStatus: string;
      outputTokens: number;
    };
    let rows: Row[] = [];
    await expect
      .poll(
        async () => {
          const { status, json } = await api.get("/api/gateway/requests?limit=200");
          expect(status).toBe(200);
          rows = (json.requests as Row[]).filter((r) => r.model === model);
          return rows.length;
        },
        { timeout: 5000, interval: 50 },
      )
      .toBe(3);
    // Written asynchronously, so compare as a set rather than by order.
    const summary = rows
      .map((r) => `${r.stream ? "stream" : "json"}:${r.status}:${r.cacheStatus}`)
      .sort();
    expect(summary).toEqual(["json:200:hit-memory", "json:200:miss", "stream:200:hit-memory"]);
    for (const row of rows) expect(row.outputTokens).toBeGreaterThan(0);

    // The log is for the team's admins: an API key of a member may not read it.
    const asKey = await fetch(`${app.url}/api/gateway/requests`, { headers: { "x-api-key": key } });
    expect(asKey.status).toBe(403);
  });
});

describe(`gateway errors as the SDK's own classes on ${dbKind}`, () => {
  it("raises BadRequestError for max_tokens: 0 and for an empty messages list: the upstream's own answer, passed through", async () => {
    const before = upstreamRequests();

    const zero = await thrown(() => client.messages.create(params("Hello", { max_tokens: 0 })));
    expect(zero).toBeInstanceOf(BadRequestError);
    expect((zero as BadRequestError).status).toBe(400);
    expect((zero as BadRequestError).type).toBe("invalid_request_error");
    expect((zero as Error).message).toContain("max_tokens");

    const empty = await thrown(() =>
      client.messages.create({ model: MODEL, max_tokens: 10, messages: [] }),
    );
    expect(empty).toBeInstanceOf(BadRequestError);
    expect((empty as Error).message).toContain("messages");

    // The gateway validates only what its cache key needs; the API judges the rest.
    expect(upstreamRequests()).toBe(before + 2);
  });

  it("raises AuthenticationError for an unknown key and for a key revoked through DELETE /api/keys/:id", async () => {
    const unknown = await thrown(() => sdkFor("ens_not-a-real-key").messages.create(params("Hi")));
    expect(unknown).toBeInstanceOf(AuthenticationError);
    expect((unknown as AuthenticationError).type).toBe("authentication_error");

    const created = await api.post("/api/keys", { name: "short-lived", role: "member" });
    const doomed = sdkFor(created.json.key);
    // It works before it is revoked…
    expect(textOf(await doomed.messages.create(params(fresh("Hi"))))).not.toBe("");

    const revoked = await api.delete(`/api/keys/${created.json.apiKey.id}`);
    expect(revoked.status).toBe(204);
    // …and not after, even for a request whose answer is cached.
    const error = await thrown(() => doomed.messages.create(params(fresh("Hi again"))));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain("revoked");
  });

  it("passes an upstream 529 through as the SDK's OverloadedError", async () => {
    const before = upstreamRequests();
    const error = await thrown(() =>
      client.messages.create(params(fresh("Busy? [[sim:status=529]]"))),
    );
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(529);
    expect((error as APIError).type).toBe("overloaded_error");
    // The gateway does not retry: one call upstream (the SDK's maxRetries is 0 here as well).
    expect(upstreamRequests()).toBe(before + 1);
  });

  it("answers a streamed request whose upstream fails before its first event with an HTTP error, not a broken stream", async () => {
    const error = await thrown(() =>
      client.messages.create({ ...params(fresh("Busy stream [[sim:status=529]]")), stream: true }),
    );
    expect(error).toBeInstanceOf(OverloadedError);
  });

  it("aborts the upstream call when the SDK client gives up on a hanging request", async () => {
    const sim = app.runtime.providerHandle.simulator!;
    const closedBefore = sim.stats().clientClosed;
    const controller = new AbortController();
    const pending = client.messages.create(params(fresh("Hang [[sim:hang]]")), {
      signal: controller.signal,
    });
    await expect
      .poll(() => sim.stats().inFlight, { timeout: 5000, interval: 10 })
      .toBeGreaterThan(0);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    // The gateway saw its client leave and cancelled its own upstream request.
    await expect
      .poll(() => sim.stats().clientClosed, { timeout: 5000, interval: 20 })
      .toBe(closedBefore + 1);
    await expect.poll(() => sim.stats().inFlight, { timeout: 5000, interval: 20 }).toBe(0);
  });

  it("passes an upstream 429 through as RateLimitError with its retry-after", async () => {
    const error = await thrown(() =>
      // A model of its own: the 429 holds its model's calls for 7 s on every instance, and with
      // REDIS_URL every test file running now is one.
      client.messages.create(
        params(fresh("Slow down [[sim:status=429,retry-after=7]]"), {
          model: `claude-sim-held-${Math.random().toString(36).slice(2, 8)}`,
        }),
      ),
    );
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).headers?.get("retry-after")).toBe("7");
  });

  it("does not cache an upstream error: the same request succeeds once the fault is gone", async () => {
    const content = fresh("Flaky [[sim:fail-first=1,status=529]]");
    const before = upstreamRequests();
    await expect(client.messages.create(params(content))).rejects.toBeInstanceOf(OverloadedError);
    const message = await client.messages.create(params(content)).withResponse();
    expect(message.response.headers.get("x-ensemble-cache")).toBe("miss");
    expect(upstreamRequests()).toBe(before + 2);
  });

  it("reports a mid-stream upstream failure as an SSE error event the SDK raises", async () => {
    const stream = await client.messages.create({
      ...params(fresh("Break [[sim:error-after=3]]")),
      stream: true,
    });
    const seen: string[] = [];
    const error = await thrown(async () => {
      for await (const event of stream) seen.push(event.type);
    });
    expect(seen[0]).toBe("message_start");
    expect(seen).toContain("content_block_delta");
    expect(seen).not.toContain("message_stop");
    expect(error).toBeInstanceOf(APIError);
  });
});
