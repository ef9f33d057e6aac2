/**
 * Property tests of every JSON-body and query-string route against hostile input: whatever a
 * caller sends, the answer is a 4xx with a JSON error body (Anthropic-shaped on the gateway),
 * never a 5xx. A body that happens to be valid may succeed; nothing may crash.
 */
import { request as httpRequest } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MODEL } from "@/lib/agents/models";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const RUNS = 30;

let app: AppServer;
let owner: ApiClient;
let gatewayKey: string;
let agentId: string;
let memberId: string;

interface JsonRoute {
  method: "POST" | "PATCH";
  path: () => string;
  /** The body's known top-level keys, to aim wrong-typed values at real fields. */
  keys: string[];
  /** A valid body, truncated to make malformed JSON. */
  sample: () => unknown;
  gateway?: boolean;
  anonymous?: boolean;
}

const ROUTES: Record<string, JsonRoute> = {
  "sign-up": {
    method: "POST",
    path: () => "/api/auth/sign-up",
    keys: ["email", "name", "password", "teamName", "invite"],
    sample: () => ({ email: "x@example.test", name: "X", password: "long enough password" }),
    anonymous: true,
  },
  "sign-in": {
    method: "POST",
    path: () => "/api/auth/sign-in",
    keys: ["email", "password"],
    sample: () => ({ email: "x@example.test", password: "long enough password" }),
    anonymous: true,
  },
  "agents POST": {
    method: "POST",
    path: () => "/api/agents",
    keys: [
      "name",
      "model",
      "system",
      "temperature",
      "maxTokens",
      "cacheEnabled",
      "cacheTtlSeconds",
    ],
    sample: () => ({ name: "n", model: DEFAULT_MODEL, temperature: 0.5 }),
  },
  "agents PATCH": {
    method: "PATCH",
    path: () => `/api/agents/${agentId}`,
    keys: [
      "name",
      "model",
      "system",
      "temperature",
      "maxTokens",
      "cacheEnabled",
      "cacheTtlSeconds",
    ],
    sample: () => ({ system: "be brief", maxTokens: 100 }),
  },
  "agents import": {
    method: "POST",
    path: () => "/api/agents/import",
    keys: ["agents"],
    sample: () => ({ agents: { imported: { model: DEFAULT_MODEL, max_tokens: 10 } } }),
  },
  "runs POST": {
    method: "POST",
    path: () => "/api/runs",
    keys: ["mode", "task", "agents", "steps", "cache"],
    sample: () => ({ mode: "parallel", task: "hello", agents: ["reviewer"] }),
  },
  "keys POST": {
    method: "POST",
    path: () => "/api/keys",
    keys: ["name", "role"],
    sample: () => ({ name: "k", role: "member" }),
  },
  "team invites POST": {
    method: "POST",
    path: () => "/api/team/invites",
    keys: ["role"],
    sample: () => ({ role: "member" }),
  },
  "team members PATCH": {
    method: "PATCH",
    path: () => `/api/team/members/${memberId}`,
    keys: ["role"],
    sample: () => ({ role: "member" }),
  },
  "cache purge": {
    method: "POST",
    path: () => "/api/cache/purge",
    keys: ["key", "agentId", "model", "olderThanSeconds", "all"],
    sample: () => ({ olderThanSeconds: 3600 }),
  },
  "cache warm": {
    method: "POST",
    path: () => "/api/cache/warm",
    keys: ["topN", "requests"],
    sample: () => ({
      requests: [
        { model: DEFAULT_MODEL, max_tokens: 5, messages: [{ role: "user", content: "x" }] },
      ],
    }),
  },
  gateway: {
    method: "POST",
    path: () => "/api/anthropic/v1/messages",
    keys: ["model", "max_tokens", "messages", "stream", "metadata", "system", "temperature"],
    sample: () => ({
      model: DEFAULT_MODEL,
      max_tokens: 5,
      messages: [{ role: "user", content: "x" }],
    }),
    gateway: true,
  },
};

interface Answer {
  status: number;
  // Whatever the server answered: the assertions below check its shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
  text: string;
}

async function send(
  route: JsonRoute,
  body: string | undefined,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const auth: Record<string, string> = route.gateway
    ? { "x-api-key": gatewayKey }
    : route.anonymous
      ? {}
      : { cookie: owner.cookie };
  const response = await fetch(app.url + route.path(), {
    method: route.method,
    headers: { "content-type": "application/json", ...auth, ...headers },
    body,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/**
 * A POST on a socket of its own: the server answers 413 before reading the body, which would
 * otherwise leave fetch's shared keep-alive socket unusable for the next test.
 */
function postOnOwnSocket(
  pathname: string,
  body: string,
  headers: Record<string, string>,
  chunked = false,
) {
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(app.url + pathname, {
      method: "POST",
      agent: false,
      headers: {
        "content-type": "application/json",
        connection: "close",
        ...(chunked ? {} : { "content-length": Buffer.byteLength(body) }),
        ...headers,
      },
    });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text), text }));
    });
    // The server may close while we are still writing; the response is what matters.
    req.on("error", (error) => (req.writableEnded ? undefined : reject(error)));
    req.end(body);
  });
}

/** A 422 names the field, unless the offending key is literally "" (then the message says so). */
function expectFieldNamed(error: { field?: string; message: string }, label: string) {
  expect(
    error.field || (/keys?: ""/.test(error.message) ? "(empty key)" : undefined),
    label,
  ).toEqual(expect.stringMatching(/.+/));
}

/** Never a 5xx; any refusal carries our JSON error (or Anthropic's, on the gateway). */
function expectHandled(route: JsonRoute, res: Answer, sent: string | undefined) {
  const label = `${route.method} ${route.path()} with ${String(sent).slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.status, label).toBeLessThan(500);
  if (res.status < 400) return;
  if (route.gateway) {
    // The API's envelope (the gateway's own answers add their request_id).
    expect(res.json, label).toMatchObject({
      type: "error",
      error: { type: expect.any(String), message: expect.any(String) },
      request_id: expect.stringMatching(/^req_/),
    });
    return;
  }
  expect(res.json?.error, label).toMatchObject({
    code: expect.any(String),
    message: expect.any(String),
  });
  if (res.status === 422) expectFieldNamed(res.json.error, label);
}

function expectMalformed(route: JsonRoute, res: Answer, sent: string | undefined) {
  const label = `${route.method} ${route.path()} with ${JSON.stringify(sent)?.slice(0, 200)}`;
  expect(res.status, label).toBe(400);
  if (route.gateway) expect(res.json?.error?.type, label).toBe("invalid_request_error");
  else expect(res.json?.error?.code, label).toBe("invalid_json");
}

// ---- arbitraries -------------------------------------------------------------------------------

const unicode = fc.string({ unit: "binary", maxLength: 40 });
/** Strings that have broken databases and parsers: NUL, lone surrogates, RTL marks, emoji. */
const nasty = fc.constantFrom(
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "\u202e",
  "👩‍👩‍👧",
  "' OR 1=1 --",
  "${x}",
  "__proto__",
);
const hugeString = fc.integer({ min: 10_000, max: 120_000 }).map((n) => "x".repeat(n));
const deep = fc
  .integer({ min: 100, max: 800 })
  .map((depth) => JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`) as unknown);
const weird = fc.oneof(
  fc.jsonValue(),
  unicode,
  nasty,
  hugeString,
  deep,
  fc.double(),
  fc.constant(null),
);

/** Objects whose keys are the route's real fields (plus strays) with values of any type. */
const wrongTypes = (route: JsonRoute) =>
  fc.dictionary(
    fc.oneof(fc.constantFrom(...route.keys), fc.constantFrom("__proto__", "constructor", "extra")),
    weird,
    {
      maxKeys: 5,
    },
  );

const anyJson = fc.oneof(
  fc.jsonValue(),
  fc.jsonValue({ maxDepth: 6, depthSize: "large" }),
  unicode,
  deep,
);

/** Text that is not JSON: arbitrary strings, empty, and valid bodies cut short. */
const malformed = (route: JsonRoute) =>
  fc
    .oneof(
      fc.constant(""),
      fc.string({ unit: "binary", maxLength: 200 }),
      fc.constantFrom(
        "{",
        "[",
        '{"a":',
        "undefined",
        "NaN",
        "{'a':1}",
        "{a:1}",
        "\u0000",
        "[1,]",
        '{"a":1,}',
      ),
      fc.nat().map((n) => {
        const text = JSON.stringify(route.sample());
        return text.slice(0, n % text.length);
      }),
    )
    .filter((text) => {
      if (text.trim() === "") return true;
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    });

// ---- setup -------------------------------------------------------------------------------------

beforeAll(async () => {
  app = await startAppServer({
    RATE_LIMIT_SIGN_IN_PER_MINUTE: "100000",
    RATE_LIMIT_API_PER_MINUTE: "100000",
    RATE_LIMIT_RUNS_PER_MINUTE: "100000",
  });
  owner = new ApiClient(app.url);
  await owner.signUp();
  gatewayKey = (await owner.post("/api/keys", { name: "gateway", role: "owner" })).json.key;
  agentId = (await owner.get("/api/agents")).json.agents[0].id;
  const invite = await owner.post("/api/team/invites", { role: "member" });
  await new ApiClient(app.url).signUp({ invite: invite.json.invite.token });
  memberId = (await owner.get("/api/team/members")).json.members.find(
    (m: { role: string }) => m.role === "member",
  ).id;
});
afterAll(async () => app?.close());

// ---- JSON bodies -------------------------------------------------------------------------------

describe(`JSON-body routes under hostile input on ${dbKind}`, () => {
  for (const [name, route] of Object.entries(ROUTES)) {
    it(`answers ${name} with a 4xx JSON error for arbitrary JSON values, never a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(anyJson, async (value) => {
          const body = JSON.stringify(value);
          expectHandled(route, await send(route, body), body);
        }),
        { numRuns: RUNS },
      );
    });

    it(`answers ${name} with a 4xx naming the field for objects with wrong-typed, huge, deep or unicode fields`, async () => {
      await fc.assert(
        fc.asyncProperty(wrongTypes(route), async (value) => {
          const body = JSON.stringify(value);
          expectHandled(route, await send(route, body), body);
        }),
        { numRuns: RUNS },
      );
    });

    it(`answers ${name} with 400 for bodies that are not JSON: empty, text, truncated`, async () => {
      await fc.assert(
        fc.asyncProperty(
          malformed(route),
          fc.constantFrom("application/json", "text/plain"),
          async (text, type) => {
            expectMalformed(route, await send(route, text, { "content-type": type }), text);
          },
        ),
        { numRuns: RUNS },
      );
    });
  }

  it("refuses bodies over the size limit with 413, by Content-Length and by actual size", async () => {
    const big = JSON.stringify({ task: "x".repeat(1_100_000), agents: ["reviewer"] });
    const res = await postOnOwnSocket("/api/runs", big, { cookie: owner.cookie });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe("payload_too_large");

    // Chunked, so only the bytes read tell the size.
    const pad = JSON.stringify({
      ...(ROUTES.gateway!.sample() as object),
      // The gateway's limit is the API's 32 MB.
      pad: "y".repeat(33 * 1024 * 1024),
    });
    const gateway = await postOnOwnSocket(
      "/api/anthropic/v1/messages",
      pad,
      { "x-api-key": gatewayKey },
      true,
    );
    expect(gateway.status).toBe(413);
    expect(gateway.json).toMatchObject({ type: "error", error: { type: "request_too_large" } });
  });

  it("names an unknown key as the field, and calls a body of the wrong type a 400 bad_request", async () => {
    const patch = ROUTES["agents PATCH"]!;
    const unknown = await send(patch, JSON.stringify({ system: "ok", colour: "red" }));
    expect(unknown.status).toBe(422);
    expect(unknown.json.error).toMatchObject({ code: "validation_failed", field: "colour" });

    for (const body of ["[]", "null", '"text"', "42"]) {
      const res = await send(patch, body);
      expect(res.status, body).toBe(400);
      expect(res.json.error.code, body).toBe("bad_request");
    }
  });

  it("rejects a body of the right shape whose strings contain NUL or lone surrogates without a 5xx", async () => {
    const route = ROUTES["agents POST"]!;
    for (const system of ["a\u0000b", "\ud800", "tail \udfff"]) {
      const body = JSON.stringify({
        name: `nul-${Math.random().toString(36).slice(2, 8)}`,
        model: DEFAULT_MODEL,
        system,
      });
      expectHandled(route, await send(route, body), body);
    }
  });

  it("answers the gateway's bad cache headers with an Anthropic invalid_request_error", async () => {
    const route = ROUTES.gateway!;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          "x-ensemble-cache": fc.string({ maxLength: 20 }),
          "x-ensemble-cache-ttl": fc.string({ maxLength: 20 }),
        }),
        async (headers) => {
          // Header values must be ByteStrings; keep to what a client can actually send.
          const safe = Object.fromEntries(
            Object.entries(headers).map(([k, v]) => [
              k,
              v.replace(/[^\x20-\x7e]/g, "").trim() || "?",
            ]),
          );
          const body = JSON.stringify(route.sample());
          const res = await send(route, body, safe);
          expectHandled(route, res, `${body} ${JSON.stringify(safe)}`);
        },
      ),
      { numRuns: 30 },
    );
  });
});

// ---- query strings and path parameters ---------------------------------------------------------

const QUERY_ROUTES: Record<string, string[]> = {
  "/api/runs": ["status", "agent", "q", "cursor", "limit"],
  "/api/runs/stats": ["days"],
  "/api/cache/entries": ["search", "model", "agent", "minHits", "sort", "cursor", "limit"],
  "/api/cache/stats": ["range"],
  "/api/gateway/requests": ["limit"],
};

const junkValue = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  nasty,
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom(
    "",
    "-1",
    "0",
    "1e309",
    "NaN",
    "Infinity",
    "0x10",
    "9007199254740993",
    "1.5",
    "[]",
    "{}",
  ),
  fc.integer({ min: 150, max: 5000 }).map((n) => "z".repeat(n)),
);

describe(`query-string routes under junk parameters on ${dbKind}`, () => {
  for (const [pathname, keys] of Object.entries(QUERY_ROUTES)) {
    it(`answers GET ${pathname} with junk parameters with a 2xx or a 4xx JSON error, never a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.tuple(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), junkValue),
            { maxLength: 4 },
          ),
          async (pairs) => {
            const query = new URLSearchParams(pairs).toString();
            const res = await owner.get(`${pathname}?${query}`);
            const label = `GET ${pathname}?${query} → ${res.status} ${res.text.slice(0, 200)}`;
            expect(res.status, label).toBeLessThan(500);
            if (res.status >= 400) {
              expect(res.json?.error?.code, label).toEqual(expect.any(String));
              if (res.status === 422) expectFieldNamed(res.json.error, label);
            }
          },
        ),
        { numRuns: 50 },
      );
    });
  }

  it("answers id routes with junk ids, and the events route with a junk Last-Event-ID, with a 4xx", async () => {
    const idRoutes = ["/api/agents/", "/api/runs/", "/api/cache/entries/", "/api/cache/warm/"];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...idRoutes),
        // A lone surrogate cannot be put in a URL at all; a client could not send it.
        fc.oneof(junkValue, fc.uuid()).filter((id) => {
          try {
            return encodeURIComponent(id) !== "";
          } catch {
            return false;
          }
        }),
        async (prefix, id) => {
          const res = await owner.get(prefix + encodeURIComponent(id));
          const label = `GET ${prefix}${JSON.stringify(id)} → ${res.status} ${res.text.slice(0, 200)}`;
          expect([400, 404, 422], label).toContain(res.status);
          expect(res.json?.error?.code, label).toEqual(expect.any(String));
        },
      ),
      { numRuns: 60 },
    );

    const run = await owner.post("/api/runs", { task: "events", agents: ["reviewer"] });
    for (const lastEventId of ["-1", "abc", "1e400", "9".repeat(30)]) {
      const res = await owner.get(`/api/runs/${run.json.id}/events`, {
        "last-event-id": lastEventId,
      });
      expect(res.status, lastEventId).toBe(422);
      expect(res.json.error.code).toBe("validation_failed");
    }
  });
});
