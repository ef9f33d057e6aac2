/**
 * A key's gateway fallback models (PATCH /api/gateway/keys/{id} { fallbackModels }), in front of
 * a recording upstream that stands in for the API: the primary answers 529 → the same request
 * goes to the next model, the client gets its answer with `x-ensemble-model`, and the request log
 * says which model answered. Without fallbacks, the 529 reaches the client as the API sent it.
 * A model over its outbound limit falls back too, instead of waiting.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type RecordingUpstream,
  defaultReply,
  startRecordingUpstream,
} from "../../fixtures/recording-upstream";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const PRIMARY = "claude-opus-5-5";
const SECOND = "claude-sonnet-5-5";
const THIRD = "claude-haiku-5-5";
const LIMITED = "claude-opus-5";

let upstream: RecordingUpstream;
let app: AppServer;
let api: ApiClient;
/** Models the upstream answers 529 for. */
const overloaded = new Set([PRIMARY]);

beforeAll(async () => {
  upstream = await startRecordingUpstream({
    reply: (request) => {
      const model = JSON.parse(request.text).model as string;
      return overloaded.has(model)
        ? { error: { status: 529, type: "overloaded_error", message: "Overloaded" } }
        : defaultReply(request);
    },
  });
  app = await startAppServer({
    ANTHROPIC_API_KEY: "sk-ant-server-fallbacks",
    ANTHROPIC_BASE_URL: upstream.url,
    // One call a window for LIMITED, and gateway calls do not wait for room.
    OUTBOUND_LIMITS: JSON.stringify({ [LIMITED]: { rpm: 1 } }),
    OUTBOUND_GATEWAY_MAX_WAIT_MS: "0",
  });
  api = new ApiClient(app.url);
  await api.signUp();
});
afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

async function newKey(name: string) {
  const created = await api.post("/api/keys", { name, role: "member" });
  return { id: created.json.apiKey.id as string, key: created.json.key as string };
}

const modelsSent = (from: number) =>
  upstream.requests.slice(from).map((r) => JSON.parse(r.text).model as string);

function send(key: string, model: string, stream = false) {
  return fetch(`${app.url}/api/anthropic/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": key, "content-type": "application/json" },
    body: JSON.stringify({
      model,
      max_tokens: 32,
      stream,
      messages: [{ role: "user", content: `fallback ${Math.random()}` }],
    }),
  });
}

describe(`gateway fallback models per key on ${dbKind}`, () => {
  it("refuses a bad list with a 422 naming the field", async () => {
    const { id } = await newKey("bad");
    const bad = await api.patch(`/api/gateway/keys/${id}`, { fallbackModels: ["not a model"] });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain("fallbackModels");
    const repeated = await api.patch(`/api/gateway/keys/${id}`, {
      fallbackModels: [SECOND, SECOND],
    });
    expect(repeated.status).toBe(422);
    expect(repeated.text).toContain("fallbackModels");
  });

  it("passes the 529 through when the key has no fallbacks", async () => {
    const { key } = await newKey("plain");
    const from = upstream.calls;
    const response = await send(key, PRIMARY);
    expect(response.status).toBe(529);
    expect((await response.json()).error.type).toBe("overloaded_error");
    expect(modelsSent(from)).toEqual([PRIMARY]);
  });

  it("answers from the next model when the primary is overloaded, JSON and stream, and logs which", async () => {
    const { id, key } = await newKey("fallbacks");
    const set = await api.patch(`/api/gateway/keys/${id}`, { fallbackModels: [SECOND, THIRD] });
    expect(set.status).toBe(200);
    expect(set.json.fallbackModels).toEqual([SECOND, THIRD]);

    // The second is overloaded too: the third answers.
    overloaded.add(SECOND);
    let from = upstream.calls;
    const json = await send(key, PRIMARY);
    expect(json.status).toBe(200);
    expect(json.headers.get("x-ensemble-model")).toBe(THIRD);
    expect((await json.json()).type).toBe("message");
    expect(modelsSent(from)).toEqual([PRIMARY, SECOND, THIRD]);
    overloaded.delete(SECOND);

    // The official SDK, streaming: it sees an ordinary answer.
    from = upstream.calls;
    const client = new Anthropic({
      baseURL: `${app.url}/api/anthropic`,
      apiKey: key,
      maxRetries: 0,
    });
    const message = await client.messages
      .stream({ model: PRIMARY, max_tokens: 32, messages: [{ role: "user", content: "stream" }] })
      .finalMessage();
    expect(message.type).toBe("message");
    expect(modelsSent(from)).toEqual([PRIMARY, SECOND]);

    await app.runtime.requestLog.flush();
    const log = await api.get(`/api/gateway/requests?key=${id}`);
    const rows = log.json.requests as { model: string; status: number }[];
    expect(rows.map((r) => `${r.model} ${r.status}`).sort()).toEqual(
      [`${SECOND} 200`, `${THIRD} 200`].sort(),
    );
  });

  it("drops temperature for a fallback model that refuses it, and keeps the caller's cache opt-in", async () => {
    // claude-sonnet-4-6 takes temperature; SECOND (a 5.5 model) answers 400 to any.
    const primary = "claude-sonnet-4-6";
    overloaded.add(primary);
    const { id, key } = await newKey("sampling");
    await api.patch(`/api/gateway/keys/${id}`, { fallbackModels: [SECOND] });
    const body = JSON.stringify({
      model: primary,
      max_tokens: 32,
      temperature: 0,
      messages: [{ role: "user", content: `sampling ${Math.random()}` }],
    });
    const ask = () =>
      fetch(`${app.url}/api/anthropic/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body,
      });
    const from = upstream.calls;
    const first = await ask();
    expect(first.status, await first.clone().text()).toBe(200);
    expect(first.headers.get("x-ensemble-model")).toBe(SECOND);
    const sent = upstream.requests.slice(from).map((r) => JSON.parse(r.text));
    expect(sent.map((b) => [b.model, b.temperature])).toEqual([
      [primary, 0],
      [SECOND, undefined],
    ]);
    // temperature 0 opted the call in to the cache: the fallback's answer is stored and reused.
    expect(first.headers.get("x-ensemble-cache")).toBe("miss");
    const again = await ask();
    expect(again.headers.get("x-ensemble-cache")).toMatch(/^hit-/);
    overloaded.delete(primary);
  });

  it("falls back instead of waiting when the model is over its outbound limit", async () => {
    const { id, key } = await newKey("limited");
    await api.patch(`/api/gateway/keys/${id}`, { fallbackModels: [SECOND] });
    const from = upstream.calls;
    const first = await send(key, LIMITED);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-ensemble-model")).toBeNull();
    const second = await send(key, LIMITED);
    expect(second.status).toBe(200);
    expect(second.headers.get("x-ensemble-model")).toBe(SECOND);
    expect(modelsSent(from)).toEqual([LIMITED, SECOND]);
  });
});
