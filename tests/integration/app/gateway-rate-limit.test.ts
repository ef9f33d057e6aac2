/**
 * The gateway's inbound rate limit as the official SDK sees it. Its own file because it needs its
 * own app server: RATE_LIMIT_API_PER_MINUTE (which also sets the gateway group's limit) is read
 * once, when the process's limiters are built.
 */
import Anthropic, { RateLimitError } from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const LIMIT = 3;

let app: AppServer;
let api: ApiClient;

beforeAll(async () => {
  app = await startAppServer({ RATE_LIMIT_API_PER_MINUTE: String(LIMIT) });
  api = new ApiClient(app.url);
  await api.signUp();
});
afterAll(async () => app?.close());

async function newKey(name: string): Promise<string> {
  const created = await api.post("/api/keys", { name, role: "member" });
  expect(created.status).toBe(201);
  return created.json.key;
}

const sdkFor = (apiKey: string) =>
  new Anthropic({ baseURL: `${app.url}/api/anthropic`, apiKey, maxRetries: 0 });

const upstreamRequests = () => app.runtime.providerHandle.simulator!.stats().requests;

const request = (content: string) => ({
  model: "claude-sim",
  max_tokens: 64,
  messages: [{ role: "user" as const, content }],
});

describe(`the gateway's rate limit through the official SDK on ${dbKind}`, () => {
  it("raises RateLimitError with Retry-After once a key has used its budget, without calling upstream", async () => {
    const client = sdkFor(await newKey("limited"));

    for (let i = 1; i <= LIMIT; i++) {
      const ok = await client.messages.create(request(`Call number ${i}`)).withResponse();
      expect(ok.response.status).toBe(200);
      expect(ok.response.headers.get("x-ratelimit-limit")).toBe(String(LIMIT));
      expect(ok.response.headers.get("x-ratelimit-remaining")).toBe(String(LIMIT - i));
    }
    const before = upstreamRequests();

    let error: unknown;
    try {
      await client.messages.create(request("One too many"));
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(RateLimitError);
    const limited = error as RateLimitError;
    expect(limited.status).toBe(429);
    expect(limited.type).toBe("rate_limit_error");
    const retryAfter = Number(limited.headers?.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers?.get("x-ratelimit-remaining")).toBe("0");
    expect(upstreamRequests()).toBe(before);
  });

  it("counts each API key separately: a second key still has its full budget", async () => {
    const other = sdkFor(await newKey("other"));
    const ok = await other.messages.create(request("First call of the other key")).withResponse();
    expect(ok.response.status).toBe(200);
    expect(ok.response.headers.get("x-ratelimit-remaining")).toBe(String(LIMIT - 1));
  });
});
