/**
 * Issue 10: the gateway took any `max_tokens` (2M tokens → an 8 MB answer, +240 MB RSS). Each
 * model has a ceiling (the model table's, overridable by MODEL_MAX_OUTPUT_TOKENS); a Messages
 * call above it gets the API's own 400 invalid_request_error before anything goes upstream, and
 * agents and warm-up requests are held to the same ceiling.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MODEL, maxOutputTokens } from "@/lib/agents/models";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const LOWERED = 500;
const CUSTOM_CEILING = 300;

let app: AppServer;
let owner: ApiClient;
let gateway: ApiClient;

beforeAll(async () => {
  app = await startAppServer({
    MODEL_MAX_OUTPUT_TOKENS: `claude-haiku-4-5=${LOWERED}, *=${CUSTOM_CEILING}`,
  });
  owner = new ApiClient(app.url);
  await owner.signUp();
  const key = await owner.post("/api/keys", { name: "limits", role: "admin" });
  gateway = new ApiClient(app.url, { "x-api-key": key.json.key });
});
afterAll(async () => app?.close());

const body = (model: string, max_tokens: number, extra: Record<string, unknown> = {}) => ({
  model,
  max_tokens,
  messages: [{ role: "user", content: "Hello" }],
  ...extra,
});

function expectRefused(res: Awaited<ReturnType<ApiClient["request"]>>, max: number, model: string) {
  expect(res.status, res.text).toBe(400);
  expect(res.json).toEqual({
    type: "error",
    error: {
      type: "invalid_request_error",
      message: expect.stringContaining(`max_tokens: `),
    },
    request_id: expect.stringMatching(/^req_/),
  });
  expect(res.json.error.message).toContain(`> ${max}, which is the maximum allowed`);
  expect(res.json.error.message).toContain(model);
}

describe(`max_tokens ceilings on ${dbKind}`, () => {
  it("refuses a Messages call above the model's ceiling with the API's 400, streamed or not, and calls no upstream", async () => {
    const before = app.runtime.providerHandle.simulator!.stats().requests;
    const limit = maxOutputTokens(DEFAULT_MODEL);
    expectRefused(
      await gateway.post("/api/anthropic/v1/messages", body(DEFAULT_MODEL, 2_000_000)),
      limit,
      DEFAULT_MODEL,
    );
    expectRefused(
      await gateway.post(
        "/api/anthropic/v1/messages",
        body(DEFAULT_MODEL, limit + 1, { stream: true }),
      ),
      limit,
      DEFAULT_MODEL,
    );
    expect(app.runtime.providerHandle.simulator!.stats().requests).toBe(before);
    const atLimit = await gateway.post("/api/anthropic/v1/messages", body(DEFAULT_MODEL, limit));
    expect(atLimit.status, atLimit.text).toBe(200);
  });

  it("uses the configured ceilings: a lowered model and the default for ids the table does not know", async () => {
    expectRefused(
      await gateway.post("/api/anthropic/v1/messages", body("claude-haiku-4-5", LOWERED + 1)),
      LOWERED,
      "claude-haiku-4-5",
    );
    expectRefused(
      await gateway.post("/api/anthropic/v1/messages", body("my-custom-model", CUSTOM_CEILING + 1)),
      CUSTOM_CEILING,
      "my-custom-model",
    );
    const ok = await gateway.post("/api/anthropic/v1/messages", body("claude-haiku-4-5", LOWERED));
    expect(ok.status, ok.text).toBe(200);
    // A dated snapshot id is its model: the model's ceiling, not the one for unknown ids.
    const dated = "claude-haiku-4-5-20251001";
    expectRefused(
      await gateway.post("/api/anthropic/v1/messages", body(dated, LOWERED + 1)),
      LOWERED,
      dated,
    );
    const datedOk = await gateway.post("/api/anthropic/v1/messages", body(dated, LOWERED));
    expect(datedOk.status, datedOk.text).toBe(200);
  });

  it("leaves count_tokens alone (it takes no max_tokens)", async () => {
    const res = await gateway.post(
      "/api/anthropic/v1/messages/count_tokens",
      body(DEFAULT_MODEL, 10_000_000),
    );
    expect(res.status).not.toBe(500);
    expect(res.json?.error?.message ?? "").not.toContain("maximum allowed number of output tokens");
  });

  it("holds agents to the configured ceiling on create, update and import, naming the field", async () => {
    const created = await owner.post("/api/agents", {
      name: "haiku",
      model: "claude-haiku-4-5",
      maxTokens: LOWERED + 1,
    });
    expect(created.status).toBe(422);
    expect(created.json.error.field).toBe("maxTokens");
    const ok = await owner.post("/api/agents", {
      name: "haiku",
      model: "claude-haiku-4-5",
      maxTokens: LOWERED,
    });
    expect(ok.status).toBe(201);
    const patched = await owner.patch(`/api/agents/${ok.json.agent.id}`, {
      maxTokens: LOWERED + 1,
    });
    expect([patched.status, patched.json.error.field]).toEqual([422, "maxTokens"]);
    const custom = await owner.post("/api/agents/import", {
      agents: { custom: { model: "my-custom-model", max_tokens: CUSTOM_CEILING + 1 } },
    });
    expect([custom.status, custom.json.error.field]).toEqual([422, "agents.custom.max_tokens"]);
  });

  it("refuses warm-up requests above the ceiling, naming the request", async () => {
    const res = await owner.post("/api/cache/warm", {
      requests: [body(DEFAULT_MODEL, 64), body(DEFAULT_MODEL, 2_000_000)],
    });
    expect(res.status).toBe(422);
    expect(res.json.error.field).toBe("requests.1.max_tokens");
  });
});
