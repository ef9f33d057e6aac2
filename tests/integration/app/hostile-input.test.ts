/**
 * Issue 10, findings 1(a) and 5: what the JSON edge refuses before anything reaches the database
 * or fills memory. Every JSON route goes through the same reader and parser (lib/http/parse.ts),
 * so each is probed with a poisoned string in a real field and with an oversized body.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_IMPORT_AGENTS } from "@/lib/agents/agents";
import { DEFAULT_MODEL } from "@/lib/agents/models";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

let app: AppServer;
let owner: ApiClient;
let memberId: string;
let agentId: string;

beforeAll(async () => {
  app = await startAppServer({ RATE_LIMIT_SIGN_IN_PER_MINUTE: "100000" });
  owner = new ApiClient(app.url);
  await owner.signUp();
  agentId = (await owner.get("/api/agents")).json.agents[0].id;
  const invite = await owner.post("/api/team/invites", { role: "member" });
  await new ApiClient(app.url).signUp({ invite: invite.json.invite.token });
  memberId = (await owner.get("/api/team/members")).json.members.find(
    (m: { role: string }) => m.role === "member",
  ).id;
});
afterAll(async () => app?.close());

const POISON = ["a\u0000b", "\ud800", "tail \udfff", "\udc00\ud800"];

/** One body per JSON route with `$` where the poisoned string goes, and the field it is in. */
const CASES: {
  method: "POST" | "PATCH";
  path: () => string;
  body: (s: string) => unknown;
  field: string;
  anonymous?: boolean;
}[] = [
  {
    method: "POST",
    path: () => "/api/auth/sign-up",
    anonymous: true,
    field: "name",
    body: (s) => ({ email: "nul@example.test", name: s, password: "a long enough password" }),
  },
  {
    method: "POST",
    path: () => "/api/auth/sign-up",
    anonymous: true,
    field: "password",
    body: (s) => ({ email: "nul@example.test", name: "N", password: `correct horse ${s}` }),
  },
  {
    method: "POST",
    path: () => "/api/auth/sign-in",
    anonymous: true,
    field: "email",
    body: (s) => ({ email: `x${s}@example.test`, password: "whatever it is" }),
  },
  {
    method: "POST",
    path: () => "/api/agents",
    field: "system",
    body: (s) => ({ name: "nul-agent", model: DEFAULT_MODEL, system: s }),
  },
  {
    method: "PATCH",
    path: () => `/api/agents/${agentId}`,
    field: "name",
    body: (s) => ({ name: s }),
  },
  {
    method: "POST",
    path: () => "/api/agents/import",
    field: `agents.x${"\u0000"}`,
    body: () => ({ agents: { "x\u0000": { model: DEFAULT_MODEL } } }),
  },
  {
    method: "POST",
    path: () => "/api/agents/import",
    field: "agents.imported.system",
    body: (s) => ({ agents: { imported: { model: DEFAULT_MODEL, system: s } } }),
  },
  {
    method: "POST",
    path: () => "/api/runs",
    field: "task",
    body: (s) => ({ task: s, agents: ["reviewer"] }),
  },
  {
    method: "POST",
    path: () => "/api/runs",
    field: "agents.0",
    body: (s) => ({ task: "t", agents: [s] }),
  },
  { method: "POST", path: () => "/api/keys", field: "name", body: (s) => ({ name: s }) },
  { method: "POST", path: () => "/api/team/invites", field: "role", body: (s) => ({ role: s }) },
  {
    method: "PATCH",
    path: () => `/api/team/members/${memberId}`,
    field: "role",
    body: (s) => ({ role: s }),
  },
  { method: "POST", path: () => "/api/cache/purge", field: "model", body: (s) => ({ model: s }) },
  {
    method: "POST",
    path: () => "/api/cache/warm",
    field: "requests.0.messages.0.content",
    body: (s) => ({
      requests: [{ model: DEFAULT_MODEL, max_tokens: 5, messages: [{ role: "user", content: s }] }],
    }),
  },
];

describe(`finding 1(a): strings Postgres cannot store are refused at the edge on ${dbKind}`, () => {
  for (const c of CASES) {
    it(`answers ${c.method} ${c.path().replace(/undefined/, ":id")} with a 400 naming ${JSON.stringify(c.field)} for NUL and lone surrogates`, async () => {
      for (const poison of POISON) {
        const client = c.anonymous ? new ApiClient(app.url) : owner;
        const res = await client.request(c.method, c.path(), c.body(poison));
        const label = `${JSON.stringify(poison)} → ${res.status} ${res.text}`;
        expect(res.status, label).toBe(400);
        expect(res.json.error, label).toMatchObject({ code: "bad_request", field: c.field });
        expect(res.json.error.message, label).toContain(c.field);
      }
    });
  }

  it("refuses NUL in query parameters too, naming the parameter", async () => {
    const res = await owner.get(`/api/runs?q=${encodeURIComponent("a\u0000b")}`);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "bad_request", field: "q" });
  });

  it("stores nothing from a refused body", async () => {
    await owner.post("/api/agents", { name: "poisoned\u0000", model: DEFAULT_MODEL });
    const names = (await owner.get("/api/agents")).json.agents.map((a: { name: string }) => a.name);
    expect(names.some((n: string) => n.startsWith("poisoned"))).toBe(false);
  });
});

/**
 * Streams `total` bytes of a JSON string as a chunked POST, stopping when the server answers or
 * hangs up; resolves with the status (0 when the connection was reset first) and bytes written.
 */
function postChunked(pathname: string, total: number) {
  return new Promise<{ status: number; written: number }>((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, "x");
    let written = 0;
    let status = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve({ status, written });
    };
    const req = httpRequest(app.url + pathname, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", connection: "close" },
    });
    req.on("response", (res) => {
      status = res.statusCode ?? 0;
      res.resume();
      res.on("end", finish);
      res.on("close", finish);
    });
    req.on("error", finish);
    req.on("close", () => setTimeout(finish, 50));
    const pump = () => {
      req.write('{"email":"big@example.test","name":"');
      const next = () => {
        while (!done && status === 0 && !req.destroyed && written < total) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once("drain", next);
        }
        if (!req.destroyed && status === 0) req.end('","password":"x"}');
      };
      next();
    };
    pump();
  });
}

describe(`finding 5: a body is never read whole before its size is checked on ${dbKind}`, () => {
  it("refuses an oversized Content-Length with 413 before reading the body", async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(app.url + "/api/auth/sign-up", {
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/json",
          "content-length": String(500 * 1024 * 1024),
          connection: "close",
        },
      });
      req.on("response", (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", (e) => (req.destroyed ? undefined : reject(e)));
      // Only the headers and a few bytes: the answer must not wait for the promised 500 MB.
      req.write("{");
    });
    expect(res).toBe(413);
  });

  it("stops reading a chunked sign-up body at the limit, so memory stays bounded", async () => {
    const total = 256 * 1024 * 1024;
    global.gc?.();
    const before = process.memoryUsage();
    const { status, written } = await postChunked("/api/auth/sign-up", total);
    const after = process.memoryUsage();
    const growthMb = (after.rss - before.rss) / 2 ** 20;
    const heapGrowthMb = (after.heapUsed - before.heapUsed) / 2 ** 20;
    console.info(
      `chunked sign-up: wrote ${(written / 2 ** 20).toFixed(1)} MiB, status ${status}, rss +${growthMb.toFixed(1)} MiB, heap +${heapGrowthMb.toFixed(1)} MiB`,
    );
    // The server answered (413) or hung up (0) long before the client could send it all.
    expect([0, 413]).toContain(status);
    expect(written).toBeLessThan(total);
    // A body read whole would cost its full size (and twice that as a JS string); allow a
    // generous margin for everything else the process allocates meanwhile.
    expect(growthMb).toBeLessThan(96);
  });
});

describe(`finding 1(a) at the gateway on ${dbKind}`, () => {
  it("refuses a NUL or lone surrogate in model with the API's 400 naming model, before the cache or upstream", async () => {
    const created = await owner.post("/api/keys", { name: "nul-gateway", role: "member" });
    const gateway = new ApiClient(app.url, { "x-api-key": created.json.key });
    const upstream = () => app.runtime.providerHandle.simulator!.stats().requests;
    const before = upstream();
    for (const model of [`${DEFAULT_MODEL}\u0000`, "\ud800"]) {
      const res = await gateway.post("/api/anthropic/v1/messages", {
        model,
        max_tokens: 8,
        messages: [{ role: "user", content: "hi" }],
      });
      expect(res.status, res.text).toBe(400);
      expect(res.json.error.type).toBe("invalid_request_error");
      expect(res.json.error.message).toMatch(/^model: /);
    }
    expect(upstream()).toBe(before);
  });
});

describe(`low findings: inputs that answered 500 on ${dbKind}`, () => {
  it("refuses an import of 20,000 agents with a 413 naming agents, and imports none of them", async () => {
    const before = (await owner.get("/api/agents")).json.agents.length as number;
    const agents = Object.fromEntries(
      Array.from({ length: 20_000 }, (_, i) => [`bulk-${i}`, { model: DEFAULT_MODEL }]),
    );
    const res = await owner.post("/api/agents/import", { agents });
    expect(res.status).toBe(413);
    expect(res.json.error).toMatchObject({ code: "payload_too_large", field: "agents" });
    expect((await owner.get("/api/agents")).json.agents).toHaveLength(before);
    // At the cap, the import goes through in one transaction.
    const atCap = Object.fromEntries(
      Array.from({ length: MAX_IMPORT_AGENTS }, (_, i) => [`cap-${i}`, { model: DEFAULT_MODEL }]),
    );
    const ok = await owner.post("/api/agents/import", { agents: atCap });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json.created).toBe(MAX_IMPORT_AGENTS);
  });
});
