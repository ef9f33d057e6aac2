/**
 * The gateway's cache policy per team and per key ("off", "deterministic", "force"), set through
 * the API: a key's policy wins over its team's, a request's `x-ensemble-cache` over both.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RecordingUpstream, startRecordingUpstream } from "../../fixtures/recording-upstream";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

let upstream: RecordingUpstream;
let app: AppServer;
let api: ApiClient;
let keys: { a: { id: string; key: string }; b: { id: string; key: string } };

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await startAppServer({
    ANTHROPIC_API_KEY: "sk-ant-server",
    ANTHROPIC_BASE_URL: upstream.url,
  });
  api = new ApiClient(app.url);
  await api.signUp();
  const a = (await api.post("/api/keys", { name: "a", role: "member" })).json;
  const b = (await api.post("/api/keys", { name: "b", role: "member" })).json;
  keys = { a: { id: a.apiKey.id, key: a.key }, b: { id: b.apiKey.id, key: b.key } };
});
afterAll(async () => {
  await app?.close();
  await upstream?.close();
});

/** Sends one call twice with `key`; the cache statuses of both. */
async function twice(key: string, temperature: number, headers: Record<string, string> = {}) {
  const body = JSON.stringify({
    model: "claude-opus-4-8",
    max_tokens: 64,
    temperature,
    messages: [{ role: "user", content: `policy ${Math.random()}` }],
  });
  const statuses: (string | null)[] = [];
  for (let i = 0; i < 2; i++) {
    const response = await fetch(`${app.url}/api/anthropic/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json", ...headers },
      body,
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    statuses.push(response.headers.get("x-ensemble-cache"));
    await app.runtime.cacheServices.cache.idle();
  }
  return statuses;
}

describe(`gateway cache policy per team and per key on ${dbKind}`, () => {
  it("caches what the team's policy says, a key's own policy and the request header winning", async () => {
    // The default: temperature 0 is cached, temperature 1 is not.
    expect(await twice(keys.a.key, 0)).toEqual(["miss", "hit-memory"]);
    expect(await twice(keys.a.key, 1)).toEqual(["bypass", "bypass"]);

    const team = await api.patch("/api/gateway/settings", { cachePolicy: "force" });
    expect(team.json).toEqual({ clientCredentials: false, cachePolicy: "force" });
    expect((await api.get("/api/gateway/settings")).json.cachePolicy).toBe("force");
    expect(await twice(keys.a.key, 1)).toEqual(["miss", "hit-memory"]);

    const key = await api.patch(`/api/gateway/keys/${keys.b.id}`, { cachePolicy: "off" });
    expect(key.status).toBe(200);
    expect(await twice(keys.b.key, 0)).toEqual(["bypass", "bypass"]);
    // The header is the caller's word for this request.
    expect(await twice(keys.b.key, 0, { "x-ensemble-cache": "force" })).toEqual([
      "miss",
      "hit-memory",
    ]);
    // Key a still follows its team.
    expect(await twice(keys.a.key, 1)).toEqual(["miss", "hit-memory"]);

    await api.patch(`/api/gateway/keys/${keys.b.id}`, { cachePolicy: null });
    await api.patch("/api/gateway/settings", { cachePolicy: null });
    expect(await twice(keys.b.key, 1)).toEqual(["bypass", "bypass"]);
  });

  it("refuses an unknown policy naming the field, and another team's key", async () => {
    const bad = await api.patch("/api/gateway/settings", { cachePolicy: "always" });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain("cachePolicy");
    const other = new ApiClient(app.url);
    await other.signUp();
    const foreign = await other.patch(`/api/gateway/keys/${keys.a.id}`, { cachePolicy: "off" });
    expect(foreign.status).toBe(404);
  });
});
