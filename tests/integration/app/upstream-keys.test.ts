/**
 * Several server keys (ANTHROPIC_API_KEY as a comma-separated list) in front of a recording
 * upstream that stands in for the API and refuses one of them: calls spread over the good keys,
 * the refused key is taken out after its first 401 (that call is answered on another key, not
 * failed), /api/health reports it by position, and pass-through calls use one stable key.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RecordingUpstream, startRecordingUpstream } from "../../fixtures/recording-upstream";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";
import { defaultReply } from "../../fixtures/recording-upstream";

const GOOD_1 = "sk-ant-good-one-for-tests";
const REVOKED = "sk-ant-revoked-for-tests";
const GOOD_2 = "sk-ant-good-two-for-tests";

let upstream: RecordingUpstream;
let app: AppServer;
let api: ApiClient;
let key: string;

beforeAll(async () => {
  upstream = await startRecordingUpstream({
    reply: (request) =>
      request.headers["x-api-key"] === REVOKED
        ? { error: { status: 401, type: "authentication_error", message: "invalid x-api-key" } }
        : defaultReply(request),
  });
  app = await startAppServer({
    ANTHROPIC_API_KEY: ` ${GOOD_1}, ${REVOKED} ,${GOOD_2}`,
    ANTHROPIC_BASE_URL: upstream.url,
  });
  api = new ApiClient(app.url);
  await api.signUp();
  key = (await api.post("/api/keys", { name: "keys", role: "member" })).json.key;
});
afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

const keysSeen = (from = 0) =>
  upstream.requests.slice(from).map((r) => String(r.headers["x-api-key"]));

describe(`several upstream keys on ${dbKind}`, () => {
  it("spreads calls over the keys, answers the call that found a revoked key, and takes that key out", async () => {
    const client = new Anthropic({
      baseURL: `${app.url}/api/anthropic`,
      apiKey: key,
      maxRetries: 0,
    });
    const answers = [];
    for (let i = 0; i < 9; i++) {
      answers.push(
        await client.messages.create({
          model: "claude-sonnet-5-5",
          max_tokens: 16,
          messages: [{ role: "user", content: `keys ${i} ${Math.random()}` }],
        }),
      );
    }
    expect(answers.every((a) => a.type === "message")).toBe(true);
    const seen = keysSeen();
    expect(seen.filter((k) => k === REVOKED)).toHaveLength(1);
    expect(seen.filter((k) => k === GOOD_1).length).toBeGreaterThanOrEqual(3);
    expect(seen.filter((k) => k === GOOD_2).length).toBeGreaterThanOrEqual(3);
    // 9 answers, one extra upstream call: the refused one.
    expect(seen).toHaveLength(10);
  });

  it("reports the refused key on /api/health by position, with no part of any key", async () => {
    const health = await api.get("/api/health");
    expect(health.json.status).toBe("degraded");
    expect(health.json.provider.keys).toMatchObject({
      total: 3,
      active: 2,
      refused: [{ position: 2 }],
    });
    expect(health.text).not.toMatch(/sk-ant|good|revoked/);
  });

  it("sends pass-through calls (Files, Batches) on one stable key", async () => {
    const from = upstream.calls;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${app.url}/api/anthropic/v1/files`, {
        headers: { "x-api-key": key },
      });
      await res.arrayBuffer();
    }
    expect(keysSeen(from)).toEqual([GOOD_1, GOOD_1, GOOD_1]);
  });
});
