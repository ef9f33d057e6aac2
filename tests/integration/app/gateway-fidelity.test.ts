/**
 * The gateway as a transparent proxy with the cache beside it, checked byte for byte against a
 * recording fake upstream: what the upstream received is what the client sent (body bytes,
 * anthropic-beta, anthropic-version, metadata, query string), and what the client received is
 * what the upstream sent (every frame, pings and chunking included), for a miss, coalesced
 * callers, a memory hit and a database hit; only the message id differs, fresh per response.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  countTokensJson,
  errorJson,
  richJsonMessage,
  richStream,
} from "../../fixtures/anthropic-frames";
import { type RecordingUpstream, startRecordingUpstream } from "../../fixtures/recording-upstream";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const SERVER_KEY = "sk-ant-server-key-for-tests";
let upstream: RecordingUpstream;
let app: AppServer;
let key: string;

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  app = await startAppServer({ ANTHROPIC_API_KEY: SERVER_KEY, ANTHROPIC_BASE_URL: upstream.url });
  const api = new ApiClient(app.url);
  await api.signUp();
  const created = await api.post("/api/keys", { name: "fidelity", role: "member" });
  key = created.json.key;
});
afterAll(async () => {
  await app?.close();
  await upstream?.close();
});
beforeEach(() => upstream.clear());

const BETA = "interleaved-thinking-2025-05-14,mid-conversation-system-2026-04-07";
const VERSION = "2023-06-01";

/** A body with fields the gateway does not know, metadata and odd spacing: it must go as sent. */
function bodyText(prompt: string, extra = "") {
  return (
    `{"model": "claude-opus-4-8", "max_tokens": 1024, "temperature": 0,\n` +
    `  "messages": [{"role": "user", "content": ${JSON.stringify(prompt)}}],` +
    ` "metadata": {"user_id": "u-42"}, "future_field": {"x": [1, 2.50]}${extra}}`
  );
}

async function post(
  text: string,
  headers: Record<string, string> = {},
  path = "/api/anthropic/v1/messages?beta=true",
) {
  const response = await fetch(app.url + path, {
    method: "POST",
    headers: {
      "x-api-key": key,
      "content-type": "application/json",
      "anthropic-version": VERSION,
      "anthropic-beta": BETA,
      ...headers,
    },
    body: text,
  });
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** The message id's value blanked, wherever the JSON spacing puts it. */
const blankId = (text: string) => text.replace(/("id"\s*:\s*")msg_[A-Za-z0-9]+"/, '$1"');
const idOf = (text: string) => /"id"\s*:\s*"(msg_[A-Za-z0-9]+)"/.exec(text)?.[1];

const formats = [
  { name: "SSE", stream: ', "stream": true', reply: () => ({ sse: richStream() }) },
  { name: "JSON", stream: "", reply: () => ({ json: richJsonMessage() }) },
] as const;

describe.each(formats)(`the gateway forwards and replays $name faithfully on ${dbKind}`, (f) => {
  it("miss, coalesced, hit-memory and hit-db all carry the upstream's bytes, each with its own id", async () => {
    const prompt = `fidelity ${f.name} ${Math.random()}`;
    const text = bodyText(prompt, f.stream);
    const sent = f.reply();
    const expected = Buffer.from("sse" in sent ? sent.sse.join("") : sent.json).toString();
    // Long enough that the four joiners, sent once the upstream has the leader's call, find it
    // still in flight on a loaded machine (the order is made by the test, not by timing).
    upstream.enqueue({ ...sent, delayMs: 3000 });

    // A miss and four callers that join it while it is in flight.
    const leader = post(text);
    await upstream.waitForCalls(1);
    const coalesced = await Promise.all(Array.from({ length: 4 }, () => post(text)));
    const miss = await leader;
    expect(upstream.calls).toBe(1);
    const received = upstream.requests[0]!;
    expect(received.body.equals(Buffer.from(text))).toBe(true);
    expect(received.path).toBe("/v1/messages?beta=true");
    expect(received.headers["anthropic-beta"]).toBe(BETA);
    expect(received.headers["anthropic-version"]).toBe(VERSION);
    expect(received.headers["x-api-key"]).toBe(SERVER_KEY);

    expect(miss!.response.status).toBe(200);
    expect(miss!.response.headers.get("x-ensemble-cache")).toBe("miss");
    expect(miss!.bytes.toString()).toBe(expected);
    expect(miss!.response.headers.get("request-id")).toBeTruthy();
    for (const c of coalesced) {
      expect(c.response.headers.get("x-ensemble-cache")).toBe("coalesced");
      expect(blankId(c.bytes.toString())).toBe(blankId(expected));
    }

    await app.runtime.cacheServices.cache.idle();
    const memory = await post(text);
    expect(memory.response.headers.get("x-ensemble-cache")).toBe("hit-memory");
    expect(memory.response.headers.get("x-ensemble-source-id")).toBe(idOf(expected));
    expect(blankId(memory.bytes.toString())).toBe(blankId(expected));

    app.runtime.cacheServices.l1.clear();
    const db = await post(text);
    expect(db.response.headers.get("x-ensemble-cache")).toBe("hit-db");
    expect(blankId(db.bytes.toString())).toBe(blankId(expected));
    expect(upstream.calls).toBe(1);

    const ids = [miss!, ...coalesced, memory, db].map((r) => idOf(r.bytes.toString()));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toHaveLength(idOf(expected)!.length);
  });
});

describe(`the gateway's cache policy and key on ${dbKind}`, () => {
  it("does not cache temperature 1 (or unset) unless the caller forces it", async () => {
    const text = bodyText(`creative ${Math.random()}`).replace(
      '"temperature": 0',
      '"temperature": 1',
    );
    expect((await post(text)).response.headers.get("x-ensemble-cache")).toBe("bypass");
    expect((await post(text)).response.headers.get("x-ensemble-cache")).toBe("bypass");
    const unset = bodyText(`unset ${Math.random()}`).replace('"temperature": 0,', "");
    expect((await post(unset)).response.headers.get("x-ensemble-cache")).toBe("bypass");
    expect(upstream.calls).toBe(3);

    const forced = { "x-ensemble-cache": "force" };
    expect((await post(text, forced)).response.headers.get("x-ensemble-cache")).toBe("miss");
    await app.runtime.cacheServices.cache.idle();
    expect((await post(text, forced)).response.headers.get("x-ensemble-cache")).toBe("hit-memory");
    expect(upstream.calls).toBe(4);
  });

  it("never shares an entry between calls that differ only by anthropic-beta", async () => {
    const text = bodyText(`beta ${Math.random()}`);
    expect((await post(text)).response.headers.get("x-ensemble-cache")).toBe("miss");
    await app.runtime.cacheServices.cache.idle();
    const other = await post(text, { "anthropic-beta": "token-efficient-tools-2025-02-19" });
    expect(other.response.headers.get("x-ensemble-cache")).toBe("miss");
    expect(upstream.calls).toBe(2);
  });

  it("forwards and caches count_tokens under its own key", async () => {
    const text = bodyText(`count ${Math.random()}`);
    const path = "/api/anthropic/v1/messages/count_tokens?beta=true";
    const first = await post(text, {}, path);
    expect(first.response.status).toBe(200);
    expect(first.bytes.toString()).toBe(countTokensJson());
    expect(upstream.requests[0]!.path).toBe("/v1/messages/count_tokens?beta=true");
    expect(upstream.requests[0]!.body.equals(Buffer.from(text))).toBe(true);
    await app.runtime.cacheServices.cache.idle();
    const again = await post(text, {}, path);
    expect(again.response.headers.get("x-ensemble-cache")).toBe("hit-memory");
    expect(again.bytes.toString()).toBe(countTokensJson());
    // The same body on /v1/messages is a different entry.
    expect((await post(text)).response.headers.get("x-ensemble-cache")).toBe("miss");
    expect(upstream.calls).toBe(2);
  });
});

describe(`upstream errors reach the client as sent on ${dbKind}`, () => {
  it("passes a 429 through with its body, request-id and retry headers, and stores nothing", async () => {
    const body = errorJson("rate_limit_error", "Number of request tokens has exceeded your limit");
    upstream.enqueue({
      status: 429,
      json: body,
      headers: {
        "request-id": "req_upstream_1",
        "retry-after": "7",
        "retry-after-ms": "6543",
        "x-should-retry": "true",
        "anthropic-ratelimit-requests-remaining": "0",
      },
    });
    // A model of its own: the 429 holds its model's calls on every instance, and with REDIS_URL
    // every test file running now is one.
    const text = bodyText(`limited ${Math.random()}`).replace(
      '"claude-opus-4-8"',
      `"claude-held-${Math.random().toString(36).slice(2, 8)}"`,
    );
    const limited = await post(text);
    expect(limited.response.status).toBe(429);
    expect(limited.bytes.toString()).toBe(body);
    for (const [name, value] of [
      ["request-id", "req_upstream_1"],
      ["retry-after", "7"],
      ["retry-after-ms", "6543"],
      ["x-should-retry", "true"],
      ["anthropic-ratelimit-requests-remaining", "0"],
    ]) {
      expect(limited.response.headers.get(name!)).toBe(value);
    }
    await app.runtime.cacheServices.cache.idle();
    expect((await post(text)).response.headers.get("x-ensemble-cache")).toBe("miss");
  });

  it("reports the server's own key being refused as a gateway fault, not the client's", async () => {
    upstream.enqueue({
      error: { status: 401, type: "authentication_error", message: "invalid x-api-key" },
    });
    const refused = await post(bodyText(`refused ${Math.random()}`));
    expect(refused.response.status).toBeGreaterThanOrEqual(500);
    const parsed = JSON.parse(refused.bytes.toString()) as {
      error: { type: string; message: string };
    };
    expect(parsed.error.type).toBe("api_error");
    expect(parsed.error.message).toContain("upstream credentials were refused");
  });
});
