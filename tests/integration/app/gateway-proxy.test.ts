/**
 * The gateway as a verbatim proxy for /v1/* (Message Batches, Files, …) in front of a recording
 * fake upstream that stands in for the real API (ANTHROPIC_API_KEY set, so the gateway uses it):
 * what the upstream receives is what the client sent, with only the credential replaced; what
 * the client receives is what the upstream sent. And the opt-in mode where clients keep their
 * own Anthropic credentials (x-ensemble-key).
 */
import { type IncomingMessage, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const SERVER_KEY = "sk-ant-server-key-for-tests";

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

/** A fake upstream that records every request and answers with what the test scripted. */
let upstream: Server;
const received: Received[] = [];
type Answer = { status: number; headers: Record<string, string>; body: string };
let script: (r: Received) => Answer = () => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: "{}",
});

let app: AppServer;
let api: ApiClient;
let key: string;
let keyId: string;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      received.push(r);
      const answer = script(r);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const port = (upstream.address() as AddressInfo).port;
  app = await startAppServer({
    ANTHROPIC_API_KEY: SERVER_KEY,
    ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}`,
  });
  api = new ApiClient(app.url);
  await api.signUp();
  const created = await api.post("/api/keys", { name: "proxy", role: "member" });
  key = created.json.key;
  keyId = created.json.apiKey.id;
});
afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => upstream?.close(resolve));
});

const last = () => received[received.length - 1]!;

describe(`the /v1/* proxy on ${dbKind}`, () => {
  it("forwards a Files upload verbatim — method, path, query, anthropic-* headers, body bytes — replacing only the credential", async () => {
    const boundary = "----ensemble-test";
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.bin"\r\n\r\n`,
      ),
      Buffer.from([0, 1, 2, 255, 254, 13, 10]),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    script = () => ({
      status: 201,
      headers: {
        "content-type": "application/json",
        "request-id": "req_upstream_files_0001",
        "anthropic-ratelimit-requests-remaining": "41",
        "retry-after-ms": "12.5",
        "x-upstream-internal": "not for clients",
      },
      body: '{"id":"file_01","type":"file"}',
    });
    const response = await fetch(`${app.url}/api/anthropic/v1/files?beta=true`, {
      method: "POST",
      headers: {
        "x-api-key": key,
        "anthropic-version": "2023-06-01",
        "anthropic-beta": "files-api-2025-04-14",
        "content-type": `multipart/form-data; boundary=${boundary}`,
        cookie: "ensemble_session=should-not-leak",
      },
      body,
    });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('{"id":"file_01","type":"file"}');
    expect(response.headers.get("request-id")).toBe("req_upstream_files_0001");
    expect(response.headers.get("anthropic-ratelimit-requests-remaining")).toBe("41");
    expect(response.headers.get("retry-after-ms")).toBe("12.5");
    expect(response.headers.get("x-upstream-internal")).toBeNull();

    const got = last();
    expect([got.method, got.url]).toEqual(["POST", "/v1/files?beta=true"]);
    expect(got.body.equals(body)).toBe(true);
    expect(got.headers["x-api-key"]).toBe(SERVER_KEY);
    expect(got.headers["anthropic-version"]).toBe("2023-06-01");
    expect(got.headers["anthropic-beta"]).toBe("files-api-2025-04-14");
    expect(got.headers["content-type"]).toBe(`multipart/form-data; boundary=${boundary}`);
    expect(got.headers.cookie).toBeUndefined();
    expect(got.headers.authorization).toBeUndefined();
  });

  it("passes GET and DELETE on batches through, and the upstream's errors with their own status and body", async () => {
    script = (r): Answer =>
      r.method === "DELETE"
        ? {
            status: 404,
            headers: { "content-type": "application/json", "request-id": "req_up_404" },
            body: '{"type":"error","error":{"type":"not_found_error","message":"batch not found"},"request_id":"req_up_404"}',
          }
        : {
            status: 200,
            headers: { "content-type": "application/json" },
            body: '{"data":[],"has_more":false}',
          };
    const list = await fetch(`${app.url}/api/anthropic/v1/messages/batches?limit=2`, {
      headers: { "x-api-key": key, "anthropic-version": "2023-06-01" },
    });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ data: [], has_more: false });
    expect(last().url).toBe("/v1/messages/batches?limit=2");
    expect(list.headers.get("request-id")).toMatch(/^req_/);

    const gone = await fetch(`${app.url}/api/anthropic/v1/messages/batches/msgbatch_x`, {
      method: "DELETE",
      headers: { "x-api-key": key },
    });
    expect(gone.status).toBe(404);
    expect(gone.headers.get("request-id")).toBe("req_up_404");
    expect((await gone.json()).error.message).toBe("batch not found");
  });

  it("passes GET /v1/models to the real upstream when one is configured", async () => {
    script = () => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: '{"data":[{"type":"model","id":"claude-upstream-only"}],"has_more":false}',
    });
    const response = await fetch(`${app.url}/api/anthropic/v1/models`, {
      headers: { "x-api-key": key },
    });
    expect((await response.json()).data[0].id).toBe("claude-upstream-only");
    expect(last().url).toBe("/v1/models");
  });

  it("reports the upstream refusing the server's own key as the gateway's 502 api_error, not the client's 401", async () => {
    script = () => ({
      status: 401,
      headers: { "content-type": "application/json" },
      body: '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
    });
    const response = await fetch(`${app.url}/api/anthropic/v1/files`, {
      headers: { "x-api-key": key },
    });
    expect(response.status).toBe(502);
    const body = await response.json();
    expect(body.error.type).toBe("api_error");
    expect(body.error.message).toMatch(/upstream credentials were refused/);
    expect(body.request_id).toBe(response.headers.get("request-id"));
  });
});

describe(`clients' own Anthropic credentials (x-ensemble-key) on ${dbKind}`, () => {
  const OWN = "sk-ant-api03-the-clients-own-key";

  it("is refused until the team's owner allows it, then sends the client's key upstream unchanged", async () => {
    script = () => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: '{"data":[]}',
    });
    const call = () =>
      fetch(`${app.url}/api/anthropic/v1/files`, {
        headers: { "x-ensemble-key": key, "x-api-key": OWN },
      });
    expect((await call()).status).toBe(403);

    expect((await api.patch("/api/gateway/settings", { clientCredentials: true })).status).toBe(
      200,
    );
    expect((await api.get("/api/gateway/settings")).json).toEqual({
      clientCredentials: true,
      cachePolicy: null,
    });
    const response = await call();
    expect(response.status).toBe(200);
    expect(last().headers["x-api-key"]).toBe(OWN);

    // A bearer token (a Claude subscription's OAuth token) goes under its own header.
    await fetch(`${app.url}/api/anthropic/v1/files`, {
      headers: { "x-ensemble-key": key, authorization: "Bearer sk-ant-oat01-own-token" },
    });
    expect(last().headers.authorization).toBe("Bearer sk-ant-oat01-own-token");
    expect(last().headers["x-api-key"]).toBeUndefined();
  });

  it("passes the upstream's 401 for the client's own key through as the client's 401", async () => {
    script = () => ({
      status: 401,
      headers: { "content-type": "application/json", "request-id": "req_up_401" },
      body: '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_up_401"}',
    });
    const response = await fetch(`${app.url}/api/anthropic/v1/files`, {
      headers: { "x-ensemble-key": key, "x-api-key": "sk-ant-wrong" },
    });
    expect(response.status).toBe(401);
    expect((await response.json()).request_id).toBe("req_up_401");
  });

  it("refuses an Ensemble key sent as the 'own' credential rather than leak it upstream", async () => {
    const before = received.length;
    const response = await fetch(`${app.url}/api/anthropic/v1/files`, {
      headers: { "x-ensemble-key": key, "x-api-key": key },
    });
    expect(response.status).toBe(400);
    expect(received.length).toBe(before);
  });

  it("keeps the log free of any credential and scoped to the team", async () => {
    const rows = (await api.get(`/api/gateway/requests?key=${keyId}&limit=200`)).json
      .requests as Record<string, unknown>[];
    expect(rows.some((r) => r.clientCredentials === true)).toBe(true);
    const text = JSON.stringify(rows);
    for (const secret of [OWN, "sk-ant-oat01-own-token", "sk-ant-wrong", key, SERVER_KEY]) {
      expect(text).not.toContain(secret);
    }
    const other = new ApiClient(app.url);
    await other.signUp();
    const theirs = await other.get("/api/gateway/requests?limit=200");
    expect(theirs.status).toBe(200);
    expect(theirs.json.requests).toEqual([]);
  });
});
