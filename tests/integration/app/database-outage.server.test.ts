/**
 * Postgres going away under a running app: the app reaches its database through a TCP proxy the
 * test cuts (the shared server stays up for everyone else). During the outage the JSON API says
 * 503 `unavailable` with retry-after, never 500; the gateway keeps answering keys it knew before
 * the outage (past the key cache's TTL) and answers the others with the API's 503 envelope; when
 * the database returns, everything answers 200 again.
 */
import Anthropic, { InternalServerError } from "@anthropic-ai/sdk";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { createServerDatabase, serverUrl } from "../../helpers/db";
import { type TcpProxy, startTcpProxy } from "../../helpers/tcp-proxy";

const KEY_TTL_MS = 300;

let app: AppServer;
let api: ApiClient;
let proxy: TcpProxy;
let database: Awaited<ReturnType<typeof createServerDatabase>>;
let key: string;

beforeAll(async () => {
  database = await createServerDatabase();
  const target = new URL(serverUrl!);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(database.url);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(proxy.port);
  app = await startAppServer({
    DATABASE_URL: proxied.toString(),
    API_KEY_CACHE_TTL_MS: String(KEY_TTL_MS),
  });
  api = new ApiClient(app.url);
  await api.signUp();
  const created = await api.post("/api/keys", { name: "outage", role: "member" });
  expect(created.status).toBe(201);
  key = created.json.key;
});
afterAll(async () => {
  await proxy?.restore();
  await app?.close();
  await proxy?.close();
  await database?.drop();
});

const sdk = (apiKey: string) =>
  new Anthropic({ baseURL: `${app.url}/api/anthropic`, apiKey, maxRetries: 0 });

const ask = (apiKey: string, content: string) =>
  sdk(apiKey).messages.create({
    model: "claude-sim",
    max_tokens: 50,
    messages: [{ role: "user", content }],
  });

/** Polls until `probe` answers 200 (the pool reconnects on the next query after the outage). */
async function until200(probe: () => Promise<{ status: number }>): Promise<void> {
  for (;;) {
    if ((await probe()).status === 200) return;
    await sleep(100);
  }
}

describe("a Postgres outage", () => {
  it("answers 503 with retry-after on the API, keeps serving known gateway keys, and recovers", async () => {
    expect((await api.get("/api/agents")).status).toBe(200);
    expect((await ask(key, "before the outage")).type).toBe("message");

    await proxy.cut();
    // Past the key cache's TTL: the next lookup of the key would go to the database.
    await sleep(KEY_TTL_MS * 2);

    for (const client of [api, new ApiClient(app.url, { "x-api-key": key })]) {
      const down = await client.get("/api/agents");
      expect(down.status).toBe(503);
      expect(down.json.error.code).toBe("unavailable");
      expect(Number(down.headers.get("retry-after"))).toBeGreaterThan(0);
    }

    // A key known before the outage is still answered (the response cache misses to upstream).
    const served = await ask(key, "during the outage");
    expect(served.type).toBe("message");

    // A key never seen cannot be checked: the API's 503 envelope, which SDKs retry.
    const unknown = await fetch(`${app.url}/api/anthropic/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "ens_never_seen_before_0000" },
      body: JSON.stringify({ model: "claude-sim", max_tokens: 5, messages: [] }),
    });
    expect(unknown.status).toBe(503);
    expect(Number(unknown.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = await unknown.json();
    expect(body).toMatchObject({ type: "error", error: { type: "api_error" } });
    expect(body.request_id).toBe(unknown.headers.get("request-id"));
    await expect(ask("ens_another_unknown_key_0000", "x")).rejects.toBeInstanceOf(
      InternalServerError,
    );

    await proxy.restore();
    await until200(() => api.get("/api/agents"));
    expect((await ask(key, "after the outage")).type).toBe("message");
  });
});
