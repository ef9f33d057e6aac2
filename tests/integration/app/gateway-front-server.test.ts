/**
 * The node:http front that server.mjs puts before Next for /api/anthropic: the app's own gateway
 * route handlers, served without Next, in the same runtime. The official SDK through it gets the
 * same answers as through the routes.
 */
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveGateway } from "@/server/gateway-node-handler";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

let app: AppServer;
let front: Server;
let frontUrl: string;
let key: string;

beforeAll(async () => {
  app = await startAppServer();
  const api = new ApiClient(app.url);
  await api.signUp();
  key = (await api.post("/api/keys", { name: "front", role: "member" })).json.key;
  front = createServer((req, res) => void serveGateway(req, res));
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});
afterAll(async () => {
  front?.closeAllConnections();
  await new Promise((resolve) => front?.close(resolve));
  await app?.close();
});

describe(`the gateway's node:http front on ${dbKind}`, () => {
  it("answers the base, unknown paths and wrong methods in JSON", async () => {
    expect((await fetch(`${frontUrl}/api/anthropic`, { method: "HEAD" })).status).toBe(200);
    const unknown = await fetch(`${frontUrl}/api/anthropic/v2/nothing`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.type).toBe("not_found_error");
    const wrong = await fetch(`${frontUrl}/api/anthropic/v1/messages`, {
      method: "GET",
      headers: { "x-api-key": key },
    });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toContain("POST");
    expect((await wrong.json()).request_id).toBe(wrong.headers.get("request-id"));
  });

  it("serves messages (JSON and stream) and models to the official SDK, from the app's runtime", async () => {
    const client = new Anthropic({
      baseURL: `${frontUrl}/api/anthropic`,
      apiKey: key,
      maxRetries: 0,
    });
    const before = app.runtime.providerHandle.simulator!.stats().requests;
    const params = {
      model: "claude-sim",
      max_tokens: 50,
      messages: [{ role: "user" as const, content: `front ${Math.random()}` }],
    };
    const message = await client.messages.create(params);
    expect(message.type).toBe("message");
    const stream = client.messages.stream(params);
    const final = await stream.finalMessage();
    const text = (m: Anthropic.Message) =>
      m.content.map((block) => (block.type === "text" ? block.text : "")).join("");
    expect(text(final)).toBe(text(message));
    // The same runtime: the app's simulator saw the call.
    expect(app.runtime.providerHandle.simulator!.stats().requests).toBeGreaterThan(before);
    const models = await client.models.retrieve("claude-opus-4-8");
    expect(models.id).toBe("claude-opus-4-8");
  });

  it("serves count_tokens from the Messages handler (cached under its own key), POST only", async () => {
    const body = JSON.stringify({
      model: "claude-sim",
      messages: [{ role: "user", content: `count me ${Math.random()}` }],
    });
    const send = () =>
      fetch(`${frontUrl}/api/anthropic/v1/messages/count_tokens`, {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body,
      });
    const first = await send();
    expect(first.status).toBe(200);
    expect(first.headers.get("x-ensemble-cache")).toBe("miss");
    const firstBody = await first.text();
    expect(JSON.parse(firstBody).input_tokens).toBeGreaterThan(0);
    expect(first.headers.get("content-length")).toBe(String(Buffer.byteLength(firstBody)));
    const second = await send();
    expect(second.headers.get("x-ensemble-cache")).toBe("hit-memory");
    expect(await second.text()).toBe(firstBody);
    const wrong = await fetch(`${frontUrl}/api/anthropic/v1/messages/count_tokens`, {
      headers: { "x-api-key": key },
    });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
  });
});
