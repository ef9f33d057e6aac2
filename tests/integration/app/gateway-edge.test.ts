/**
 * The gateway's surroundings on the embedded defaults (the simulator upstream): the API's error
 * envelope with a request-id on everything the gateway answers itself, JSON 404/405, the base
 * URL, /v1/models through the official SDK, and refused requests in the request log.
 */
import Anthropic, { NotFoundError } from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const LIMIT = 20;

let app: AppServer;
let api: ApiClient;

beforeAll(async () => {
  app = await startAppServer({ RATE_LIMIT_API_PER_MINUTE: String(LIMIT) });
  api = new ApiClient(app.url);
  await api.signUp();
});
afterAll(async () => app?.close());

async function newKey(name = "edge"): Promise<{ key: string; id: string }> {
  const created = await api.post("/api/keys", { name, role: "member" });
  expect(created.status).toBe(201);
  return { key: created.json.key, id: created.json.apiKey.id };
}

const gateway = (path: string, init: RequestInit = {}) =>
  fetch(`${app.url}/api/anthropic${path}`, init);

/** Asserts the API's error envelope and returns it. */
async function expectEnvelope(response: Response, status: number, type: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const body = await response.json();
  expect(body).toEqual({
    type: "error",
    error: { type, message: expect.any(String) },
    request_id: expect.stringMatching(/^req_[A-Za-z0-9]{24}$/),
  });
  expect(response.headers.get("request-id")).toBe(body.request_id);
  return body as { error: { message: string }; request_id: string };
}

describe(`the gateway's own answers on ${dbKind}`, () => {
  it("answers HEAD and GET on the base URL with 200, as the API's root does (Claude Code probes it)", async () => {
    const head = await gateway("", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("request-id")).toMatch(/^req_/);
    expect((await gateway("/")).status).toBe(200);
    await expectEnvelope(await gateway("", { method: "POST" }), 405, "invalid_request_error");
  });

  it("answers an unknown path with a JSON 404 and a wrong method with a JSON 405, never HTML", async () => {
    const { key } = await newKey();
    const unknown = await expectEnvelope(
      await gateway("/nope", { headers: { "x-api-key": key } }),
      404,
      "not_found_error",
    );
    expect(unknown.error.message).toBe("Not Found");
    const wrong = await gateway("/v1/models", { method: "POST", headers: { "x-api-key": key } });
    expect(wrong.headers.get("allow")).toBe("GET, HEAD");
    await expectEnvelope(wrong, 405, "invalid_request_error");
  });

  it("says what is wrong with model or messages in the API's words: missing, or of the wrong type", async () => {
    const { key } = await newKey("fields");
    const post = (body: Record<string, unknown>) =>
      gateway("/v1/messages", {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const messages = [{ role: "user", content: "hi" }];
    const cases: [Record<string, unknown>, string][] = [
      [{ max_tokens: 8, messages }, "model: Field required"],
      [{ model: 5, max_tokens: 8, messages }, "model: Input should be a valid string"],
      [{ model: "", max_tokens: 8, messages }, "model: String should have at least 1 character"],
      [{ model: "claude-sim", max_tokens: 8 }, "messages: Field required"],
      [
        { model: "claude-sim", max_tokens: 8, messages: "hi" },
        "messages: Input should be a valid list",
      ],
    ];
    for (const [body, message] of cases) {
      const refused = await expectEnvelope(await post(body), 400, "invalid_request_error");
      expect(refused.error.message).toBe(message);
    }
  });

  it("answers a stored stream asked for as JSON with every field a live JSON answer has", async () => {
    const { key } = await newKey("formats");
    const headers = { "x-api-key": key, "content-type": "application/json" };
    const body = {
      model: "claude-sonnet-4-6",
      max_tokens: 64,
      temperature: 0,
      messages: [{ role: "user", content: `formats ${Date.now()}` }],
    };
    const send = (extra: Record<string, unknown>, cache?: string) =>
      gateway("/v1/messages", {
        method: "POST",
        headers: cache ? { ...headers, "x-ensemble-cache": cache } : headers,
        body: JSON.stringify({ ...body, ...extra }),
      });
    const streamed = await send({ stream: true });
    expect(streamed.headers.get("x-ensemble-cache")).toBe("miss");
    await streamed.text();
    const fromStream = await send({});
    expect(fromStream.headers.get("x-ensemble-cache")).toMatch(/^hit-/);
    const live = await send({}, "bypass");
    expect(live.headers.get("x-ensemble-cache")).toBe("bypass");
    const { id: _a, ...replayed } = await fromStream.json();
    const { id: _b, ...answered } = await live.json();
    expect(replayed).toEqual(answered);
    expect(Object.keys(replayed).sort()).toEqual(Object.keys(answered).sort());
  });

  it("refuses a missing or unknown key with the API's 401 wording", async () => {
    const missing = await expectEnvelope(await gateway("/v1/models"), 401, "authentication_error");
    expect(missing.error.message).toBe("x-api-key header is required");
    const unknown = await expectEnvelope(
      await gateway("/v1/models", { headers: { "x-api-key": "ens_not_a_real_key_000000" } }),
      401,
      "authentication_error",
    );
    expect(unknown.error.message).toBe("invalid x-api-key");
  });

  it("refuses x-ensemble-key when the team has not allowed clients' own credentials (403)", async () => {
    const { key } = await newKey();
    const refused = await gateway("/v1/models", {
      headers: { "x-ensemble-key": key, "x-api-key": "sk-ant-own-key" },
    });
    await expectEnvelope(refused, 403, "permission_error");
  });

  it("lists and retrieves models through the official SDK, and raises NotFoundError for an unknown one", async () => {
    const { key } = await newKey();
    const client = new Anthropic({
      baseURL: `${app.url}/api/anthropic`,
      apiKey: key,
      maxRetries: 0,
    });
    const ids: string[] = [];
    for await (const model of client.models.list({ limit: 3 })) ids.push(model.id);
    expect(ids).toContain("claude-opus-4-8");
    expect(new Set(ids).size).toBe(ids.length);
    const one = await client.models.retrieve("claude-opus-4-8");
    expect(one).toMatchObject({
      type: "model",
      id: "claude-opus-4-8",
      display_name: "Claude Opus 4.8",
    });
    const missing = await client.models.retrieve("claude-nope").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).requestID).toMatch(/^req_/);
    // The upstream's error body carries the same id, as the API's do.
    expect((missing as NotFoundError).error).toMatchObject({
      type: "error",
      error: { type: "not_found_error", message: "model: claude-nope" },
      request_id: (missing as NotFoundError).requestID,
    });
  });

  it("answers 429 rate_limit_error with retry-after once a key has used its budget", async () => {
    const { key } = await newKey("limited");
    let last: Response | undefined;
    for (let i = 0; i <= LIMIT; i++) {
      last = await gateway("/v1/models/claude-opus-4-8", { headers: { "x-api-key": key } });
      if (i < LIMIT) expect(last.status).toBe(200);
    }
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    await expectEnvelope(last!, 429, "rate_limit_error");
  });

  it("logs refused requests with their status, error type and request-id, and filters the log", async () => {
    const { key, id } = await newKey("logged");
    const unknown = await gateway("/v1/models/claude-unknown", { headers: { "x-api-key": key } });
    const unknownId = unknown.headers.get("request-id");
    expect(unknown.status).toBe(404);
    const ok = await gateway("/v1/models", { headers: { "x-api-key": key } });
    expect(ok.status).toBe(200);

    const byKey = await api.get(`/api/gateway/requests?key=${id}`);
    expect(byKey.status).toBe(200);
    type Row = { requestId: string; status: number; errorType: string | null; path: string };
    const rows = byKey.json.requests as Row[];
    expect(rows.map((r) => [r.path, r.status, r.errorType]).sort()).toEqual([
      ["/v1/models", 200, null],
      ["/v1/models/claude-unknown", 404, "not_found_error"],
    ]);
    expect(rows.find((r) => r.status === 404)?.requestId).toBe(unknownId);

    const only4xx = await api.get(`/api/gateway/requests?key=${id}&status=4xx`);
    expect(only4xx.json.requests).toHaveLength(1);
    const byRequestId = await api.get(`/api/gateway/requests?requestId=${unknownId}`);
    expect(byRequestId.json.requests).toHaveLength(1);
    const bad = await api.get("/api/gateway/requests?status=abc");
    expect(bad.status).toBe(422);
  });
});
