/**
 * Message Batches through the gateway's pass-through, metered: the results (JSONL) stream to the
 * client unchanged while their usage is read, and the batch's cost — each model at its batch
 * price, succeeded requests only — lands in the request log and the spend API once, however
 * often the results are read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyUsage } from "@/lib/llm/usage";
import { callCostUsd } from "@/lib/spend";
import { type RecordingUpstream, startRecordingUpstream } from "../../fixtures/recording-upstream";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const line = (type: string, model: string, usage: Record<string, number>) =>
  JSON.stringify({
    custom_id: `req-${Math.random()}`,
    result:
      type === "succeeded"
        ? {
            type,
            message: { id: "msg_1", type: "message", role: "assistant", model, content: [], usage },
          }
        : { type },
  });
const RESULTS = [
  line("succeeded", "claude-sonnet-5-5", {
    input_tokens: 1000,
    output_tokens: 500,
    cache_read_input_tokens: 2000,
  }),
  line("succeeded", "claude-haiku-5-5", { input_tokens: 300, output_tokens: 100 }),
  line("succeeded", "claude-sonnet-5-5", { input_tokens: 10, output_tokens: 20 }),
  line("errored", "claude-sonnet-5-5", {}),
].join("\n");

let upstream: RecordingUpstream;
let app: AppServer;
let api: ApiClient;
let key: string;
let keyId: string;

beforeAll(async () => {
  upstream = await startRecordingUpstream({
    reply: { json: `${RESULTS}\n`, headers: { "content-type": "application/binary" } },
  });
  app = await startAppServer({
    ANTHROPIC_API_KEY: "sk-ant-server-batches",
    ANTHROPIC_BASE_URL: upstream.url,
  });
  api = new ApiClient(app.url);
  await api.signUp();
  const created = await api.post("/api/keys", { name: "batches", role: "member" });
  key = created.json.key;
  keyId = created.json.apiKey.id;
});
afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

describe(`Message Batches results metered on ${dbKind}`, () => {
  it("passes the results through byte for byte and records the batch's cost once, at batch prices", async () => {
    const path = "/api/anthropic/v1/messages/batches/msgbatch_01abc/results";
    for (let i = 0; i < 2; i++) {
      const response = await fetch(app.url + path, { headers: { "x-api-key": key } });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(`${RESULTS}\n`);
    }

    const sonnet = { ...emptyUsage(), inputTokens: 1010, outputTokens: 520, cacheReadTokens: 2000 };
    const haiku = { ...emptyUsage(), inputTokens: 300, outputTokens: 100 };
    const expected =
      callCostUsd("claude-sonnet-5-5", sonnet, { batch: true }) +
      callCostUsd("claude-haiku-5-5", haiku, { batch: true });
    // The batch discount is applied (half of the standard price).
    const standard =
      callCostUsd("claude-sonnet-5-5", sonnet) + callCostUsd("claude-haiku-5-5", haiku);
    expect(expected).toBeCloseTo(standard / 2, 10);

    await app.runtime.requestLog.flush();
    const log = await api.get(`/api/gateway/requests?key=${keyId}`);
    const rows = log.json.requests as { path: string; costUsd: number; model: string | null }[];
    expect(rows).toHaveLength(2);
    const costs = rows.map((r) => r.costUsd).sort((a, b) => a - b);
    expect(costs[0]).toBe(0);
    expect(costs[1]).toBeCloseTo(expected, 10);
    expect(rows.find((r) => r.costUsd > 0)?.model).toBe("claude-sonnet-5-5");

    const spend = await api.get("/api/spend?by=key");
    expect(spend.status).toBe(200);
    expect(spend.json.totalUsd).toBeCloseTo(expected, 8);
  });
});
