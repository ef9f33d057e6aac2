/**
 * Tenant isolation and authentication, route by route. The table below names every exported
 * method of every API route; a test discovers what the app really exports and fails when the two
 * differ, so a new route (or method) cannot ship without saying who may call it and what another
 * team sees when it passes this team's ids.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MODEL } from "@/lib/agents/models";
import {
  ApiClient,
  type AppServer,
  ROUTE_PATTERNS,
  startAppServer,
} from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

/** A model that still takes `temperature` (Opus 4.7 and later refuse it): 0 opts in to the cache. */
const SAMPLING_MODEL = "claude-sonnet-4-6";

type Method = "GET" | "POST" | "PATCH" | "DELETE";
const METHODS: Method[] = ["GET", "POST", "PATCH", "DELETE"];
type Response = Awaited<ReturnType<ApiClient["request"]>>;

/** Team A's identifiers and secrets, which team B must never reach or see. */
interface TeamAIds {
  teamId: string;
  userId: string;
  email: string;
  agentId: string;
  runId: string;
  cacheKey: string;
  apiKeyId: string;
  apiKey: string;
  memberId: string;
  ownerMemberId: string;
  inviteId: string;
  warmJobId: string;
  budgetId: string;
  auditId: string;
  templateId: string;
  /** A tag on A's run. */
  tagMarker: string;
  /** nextCursor of A's cache entry listing (one entry a page), by sort. */
  cacheCursors: Record<CacheSort, string>;
  taskMarker: string;
  gatewayMarker: string;
}

interface Probe {
  /** A concrete path (with A's ids) and optional query. */
  path: string;
  body?: unknown;
  /** 404: must be not_found; "4xx": any refusal; "2xx": allowed, but about B's own data only. */
  expect: 404 | "4xx" | "2xx";
  /** Which of B's credentials this probe runs with. @default both */
  as?: "session" | "key";
  check?: (res: Response) => void;
}

interface Entry {
  /** public: no credentials needed; user: the JSON guard; gateway: API key, Anthropic errors. */
  access: "public" | "user" | "gateway";
  /** What team B does with team A's ids; public routes are not team-scoped. */
  crossTeam?: (a: TeamAIds) => Probe[];
}

const CACHE_SORTS = ["lastHit", "hits", "size", "created"] as const;
type CacheSort = (typeof CACHE_SORTS)[number];
const forgedCursor = (cursor: unknown) => Buffer.from(JSON.stringify(cursor)).toString("base64url");
const cursorRefused = (r: Response) =>
  expect([r.status, r.json.error?.field]).toEqual([400, "cursor"]);

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
// temperature 0: only deterministic calls are cached by default, and the table checks the cache.
const gatewayBody = (text: string) => ({
  model: SAMPLING_MODEL,
  max_tokens: 64,
  temperature: 0,
  messages: [{ role: "user", content: text }],
});

const TABLE: Record<string, Entry> = {
  "GET /api/health": { access: "public" },
  // The operator's endpoint: METRICS_TOKEN or loopback only (tests/integration/ops/
  // metrics-endpoint), and no team's data in it (labels carry no ids).
  "GET /api/metrics": { access: "public" },
  "POST /api/auth/sign-up": { access: "public" },
  "POST /api/auth/sign-in": { access: "public" },
  "POST /api/auth/sign-out": { access: "public" },
  "GET /api/auth/me": {
    access: "user",
    crossTeam: () => [{ path: "/api/auth/me", expect: "2xx" }],
  },
  "PATCH /api/auth/me": {
    access: "user",
    // Only one's own name: nothing in the body names another user.
    crossTeam: () => [
      { path: "/api/auth/me", body: { name: "B renamed" }, as: "session", expect: "2xx" },
      { path: "/api/auth/me", body: { name: "B renamed" }, as: "key", expect: "4xx" },
    ],
  },
  "POST /api/auth/password": {
    access: "user",
    crossTeam: () => [
      {
        path: "/api/auth/password",
        body: { currentPassword: "not it", newPassword: "another long passphrase" },
        expect: "4xx",
      },
    ],
  },
  "GET /api/team/members": {
    access: "user",
    crossTeam: () => [{ path: "/api/team/members", expect: "2xx" }],
  },
  "PATCH /api/team/members/:id": {
    access: "user",
    crossTeam: (a) => [
      { path: `/api/team/members/${a.memberId}`, body: { role: "owner" }, expect: 404 },
      { path: `/api/team/members/${a.ownerMemberId}`, body: { role: "member" }, expect: 404 },
    ],
  },
  "DELETE /api/team/members/:id": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/team/members/${a.memberId}`, expect: 404 }],
  },
  "GET /api/team/invites": {
    access: "user",
    crossTeam: () => [{ path: "/api/team/invites", expect: "2xx" }],
  },
  "POST /api/team/invites": {
    access: "user",
    crossTeam: () => [{ path: "/api/team/invites", body: { role: "member" }, expect: "2xx" }],
  },
  "DELETE /api/team/invites/:id": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/team/invites/${a.inviteId}`, expect: 404 }],
  },
  "GET /api/keys": { access: "user", crossTeam: () => [{ path: "/api/keys", expect: "2xx" }] },
  "POST /api/keys": {
    access: "user",
    crossTeam: () => [
      { path: "/api/keys", body: { name: unique("b-key"), role: "member" }, expect: "2xx" },
    ],
  },
  "DELETE /api/keys/:id": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/keys/${a.apiKeyId}`, expect: 404 }],
  },
  "GET /api/models": { access: "user", crossTeam: () => [{ path: "/api/models", expect: "2xx" }] },
  "GET /api/agents": { access: "user", crossTeam: () => [{ path: "/api/agents", expect: "2xx" }] },
  "POST /api/agents": {
    access: "user",
    crossTeam: () => [
      {
        path: "/api/agents",
        body: { name: unique("b-agent"), model: DEFAULT_MODEL },
        expect: "2xx",
      },
    ],
  },
  "GET /api/agents/export": {
    access: "user",
    crossTeam: () => [{ path: "/api/agents/export", expect: "2xx" }],
  },
  "POST /api/agents/import": {
    access: "user",
    crossTeam: () => [
      {
        path: "/api/agents/import",
        body: { agents: { [unique("b-import")]: { model: DEFAULT_MODEL } } },
        expect: "2xx",
      },
    ],
  },
  "GET /api/agents/:id": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/agents/${a.agentId}`, expect: 404 }],
  },
  "PATCH /api/agents/:id": {
    access: "user",
    crossTeam: (a) => [
      { path: `/api/agents/${a.agentId}`, body: { system: "pwned" }, expect: 404 },
    ],
  },
  "DELETE /api/agents/:id": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/agents/${a.agentId}`, expect: 404 }],
  },
  "GET /api/runs": {
    access: "user",
    crossTeam: (a) => [
      { path: "/api/runs", expect: "2xx", check: (r) => expect(r.json.runs).toEqual([]) },
      {
        path: `/api/runs?agent=${a.agentId}`,
        expect: "2xx",
        check: (r) => expect(r.json.runs).toEqual([]),
      },
      {
        path: `/api/runs?q=${a.taskMarker}`,
        expect: "2xx",
        check: (r) => expect(r.json.runs).toEqual([]),
      },
      {
        path: `/api/runs?tag=${a.tagMarker}`,
        expect: "2xx",
        check: (r) => expect(r.json.runs).toEqual([]),
      },
      {
        // Another team's run id is no cursor here: refused like any unknown cursor, so it can
        // neither page this team's runs by A's run's time nor tell A's ids from made-up ones.
        path: `/api/runs?cursor=${a.runId}`,
        expect: "4xx",
        check: (r) =>
          expect(r.json.error).toMatchObject({ code: "validation_failed", field: "cursor" }),
      },
      {
        path: `/api/runs?cursor=${"c".repeat(25)}`,
        expect: "4xx",
        check: (r) =>
          expect(r.json.error).toMatchObject({ code: "validation_failed", field: "cursor" }),
      },
    ],
  },
  "POST /api/runs": {
    access: "user",
    crossTeam: (a) => [
      { path: "/api/runs", body: { task: "steal", agents: [a.agentId] }, expect: "4xx" },
      {
        path: "/api/runs",
        body: { mode: "dag", task: "steal", steps: [{ key: "s", agent: a.agentId }] },
        expect: "4xx",
      },
    ],
  },
  "GET /api/runs/stats": {
    access: "user",
    crossTeam: () => [
      {
        path: "/api/runs/stats?days=2",
        expect: "2xx",
        check: (r) =>
          expect(r.json.buckets.reduce((n: number, b: { runs: number }) => n + b.runs, 0)).toBe(0),
      },
    ],
  },
  "GET /api/runs/tags": {
    access: "user",
    crossTeam: () => [
      { path: "/api/runs/tags", expect: "2xx", check: (r) => expect(r.json.tags).toEqual([]) },
    ],
  },
  "GET /api/templates": {
    access: "user",
    crossTeam: () => [
      {
        path: "/api/templates",
        expect: "2xx",
        check: (r) => expect(r.json.templates).toEqual([]),
      },
    ],
  },
  "POST /api/templates": {
    access: "user",
    crossTeam: (a) => [
      // A's agent is no agent of B's: refused as unknown, naming the field.
      {
        path: "/api/templates",
        body: { name: unique("b-tpl"), mode: "parallel", steps: [{ key: "s", agent: a.agentId }] },
        expect: "4xx",
        check: (r) => expect(r.json.error.field).toBe("steps.0.agent"),
      },
    ],
  },
  "GET /api/templates/:id": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/templates/${a.templateId}`, expect: 404 }],
  },
  "DELETE /api/templates/:id": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/templates/${a.templateId}`, expect: 404 }],
  },
  "GET /api/runs/:id": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/runs/${a.runId}`, expect: 404 }],
  },
  "PATCH /api/runs/:id": {
    access: "user",
    crossTeam: (a) => [
      { path: `/api/runs/${a.runId}`, body: { title: "pwned" }, expect: 404 },
      { path: `/api/runs/${a.runId}`, body: { tags: ["pwned"] }, expect: 404 },
    ],
  },
  "DELETE /api/runs/:id": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/runs/${a.runId}`, expect: 404 }],
  },
  "GET /api/runs/:id/export": {
    access: "user",
    crossTeam: (a) => [
      { path: `/api/runs/${a.runId}/export?format=json`, expect: 404 },
      { path: `/api/runs/${a.runId}/export?format=md`, expect: 404 },
    ],
  },
  "GET /api/runs/:id/trace": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/runs/${a.runId}/trace`, expect: 404 }],
  },
  "GET /api/runs/:id/events": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/runs/${a.runId}/events`, expect: 404 }],
  },
  "POST /api/runs/:id/cancel": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/runs/${a.runId}/cancel`, expect: 404 }],
  },
  "POST /api/runs/:id/rerun": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/runs/${a.runId}/rerun`, expect: 404 }],
  },
  "GET /api/cache/stats": {
    access: "user",
    crossTeam: () => [{ path: "/api/cache/stats?range=7d", expect: "2xx" }],
  },
  "GET /api/cache/entries": {
    access: "user",
    crossTeam: (a) => [
      {
        path: "/api/cache/entries",
        expect: "2xx",
        check: (r) => expect(r.json.entries).toEqual([]),
      },
      {
        path: `/api/cache/entries?agent=${a.agentId}`,
        expect: "2xx",
        check: (r) => expect(r.json.entries).toEqual([]),
      },
      {
        path: `/api/cache/entries?search=${a.taskMarker}`,
        expect: "2xx",
        check: (r) => expect(r.json.entries).toEqual([]),
      },
      // A's cursors are no cursors of B's listing (refused, so nothing about A's row shows), and
      // neither is a forged one out of the column's range (was a 500) nor one of another sort.
      ...CACHE_SORTS.flatMap((sort) => [
        {
          path: `/api/cache/entries?sort=${sort}&cursor=${a.cacheCursors[sort]}`,
          expect: "4xx" as const,
          check: cursorRefused,
        },
        {
          path: `/api/cache/entries?sort=${sort}&cursor=${forgedCursor({ s: sort, v: 1e30, k: "0".repeat(64) })}`,
          expect: "4xx" as const,
          check: cursorRefused,
        },
      ]),
      {
        path: `/api/cache/entries?sort=size&cursor=${a.cacheCursors.hits}`,
        expect: "4xx",
        check: cursorRefused,
      },
    ],
  },
  "GET /api/cache/entries/:key": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/cache/entries/${a.cacheKey}`, expect: 404 }],
  },
  "POST /api/cache/purge": {
    access: "user",
    crossTeam: (a) => [
      {
        path: "/api/cache/purge",
        body: { key: a.cacheKey },
        expect: "2xx",
        check: (r) => expect(r.json.purged).toBe(0),
      },
      {
        path: "/api/cache/purge",
        body: { agentId: a.agentId },
        expect: "2xx",
        check: (r) => expect(r.json.purged).toBe(0),
      },
    ],
  },
  "POST /api/cache/warm": {
    access: "user",
    crossTeam: () => [
      // Warming "the team's top entries" must mean B's (none), never A's.
      {
        path: "/api/cache/warm",
        body: { topN: 50 },
        expect: "2xx",
        check: (r) => expect(r.json.job.total).toBe(0),
      },
    ],
  },
  "GET /api/cache/warm/:id": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/cache/warm/${a.warmJobId}`, expect: 404 }],
  },
  "GET /api/gateway/requests": {
    access: "user",
    crossTeam: () => [
      {
        path: "/api/gateway/requests",
        expect: "2xx",
        check: (r) => expect(r.json.requests).toEqual([]),
      },
    ],
  },
  "GET /api/budgets": {
    access: "user",
    crossTeam: (a) => [
      {
        path: "/api/budgets",
        expect: "2xx",
        check: (r) =>
          expect(r.json.budgets.map((b: { id: string }) => b.id)).not.toContain(a.budgetId),
      },
    ],
  },
  "POST /api/budgets": {
    access: "user",
    crossTeam: (a) => [
      // A's key and agent are not B's to limit: refused as unknown targets.
      {
        path: "/api/budgets",
        body: { scope: "key", targetId: a.apiKeyId, period: "day", limitUsd: 1 },
        expect: "4xx",
      },
      {
        path: "/api/budgets",
        body: { scope: "agent", targetId: a.agentId, period: "day", limitUsd: 1 },
        expect: "4xx",
      },
      {
        path: "/api/budgets",
        body: { scope: "team", targetId: a.teamId, period: "day", limitUsd: 1 },
        expect: "4xx",
      },
    ],
  },
  "PATCH /api/budgets/:id": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/budgets/${a.budgetId}`, body: { limitUsd: 0 }, expect: 404 }],
  },
  "DELETE /api/budgets/:id": {
    access: "user",
    crossTeam: (a) => [{ path: `/api/budgets/${a.budgetId}`, expect: 404 }],
  },
  "GET /api/spend": {
    access: "user",
    crossTeam: (a) =>
      (["key", "agent", "team"] as const).map((by) => ({
        path: `/api/spend?by=${by}`,
        expect: "2xx" as const,
        check: (r: Response) => {
          const groups = r.json.rows.map((row: { group: string }) => row.group);
          expect(groups).not.toContain(a.apiKeyId);
          expect(groups).not.toContain(a.agentId);
          expect(groups).not.toContain(a.teamId);
        },
      })),
  },
  "GET /api/gateway/settings": {
    access: "user",
    crossTeam: () => [
      {
        path: "/api/gateway/settings",
        expect: "2xx",
        as: "session",
        check: (r) => expect(r.json).toEqual({ clientCredentials: false, cachePolicy: null }),
      },
    ],
  },
  // Changes only the caller's own team; there is no id of A's to try.
  "PATCH /api/gateway/settings": { access: "user", crossTeam: () => [] },
  "GET /api/audit": {
    access: "user",
    crossTeam: (a) => [
      {
        path: `/api/audit?actor=${a.userId}`,
        expect: "2xx",
        check: (r) => expect(r.json.events).toEqual([]),
      },
      {
        path: `/api/audit?actor=${encodeURIComponent(a.email)}`,
        expect: "2xx",
        check: (r) => expect(r.json.events).toEqual([]),
      },
      {
        // A's record is no cursor of B's list: refused like a made-up one.
        path: `/api/audit?cursor=${a.auditId}`,
        expect: "4xx",
        check: (r) =>
          expect(r.json.error).toMatchObject({ code: "validation_failed", field: "cursor" }),
      },
    ],
  },
  "GET /api/audit/export": {
    access: "user",
    crossTeam: (a) => [
      {
        path: `/api/audit/export?format=json&actor=${a.userId}`,
        expect: "2xx",
        check: (r) => expect(r.json).toEqual([]),
      },
      // Filtered: B's own log holds B's earlier probes, which carry A's ids that B sent.
      {
        path: `/api/audit/export?format=csv&actor=${encodeURIComponent(a.email)}`,
        expect: "2xx",
        check: (r) => expect(r.text.trim().split("\n")).toHaveLength(1),
      },
    ],
  },
  "PATCH /api/gateway/keys/:id": {
    access: "user",
    crossTeam: (a) => [
      { path: `/api/gateway/keys/${a.apiKeyId}`, body: { cachePolicy: "off" }, expect: 404 },
    ],
  },
  // The API's root answers anyone (Claude Code probes it before authenticating).
  "GET /api/anthropic": { access: "public" },
  // The verbatim /v1 proxy: an API key, Anthropic errors; it holds no team data to probe.
  "GET /api/anthropic/*": { access: "gateway", crossTeam: () => [] },
  "POST /api/anthropic/*": { access: "gateway", crossTeam: () => [] },
  "PATCH /api/anthropic/*": { access: "gateway", crossTeam: () => [] },
  "DELETE /api/anthropic/*": { access: "gateway", crossTeam: () => [] },
  "POST /api/anthropic/v1/messages": {
    access: "gateway",
    crossTeam: (a) => [
      {
        // The very request A made (and has cached) is a miss for B: caches are per team.
        path: "/api/anthropic/v1/messages",
        body: gatewayBody(a.gatewayMarker),
        expect: "2xx",
        as: "key",
        check: (r) => expect(r.headers.get("x-ensemble-cache")).toBe("miss"),
      },
    ],
  },
  "POST /api/anthropic/v1/messages/count_tokens": {
    access: "gateway",
    crossTeam: (a) => [
      {
        // Counts are cached per team too: A's request is B's miss.
        path: "/api/anthropic/v1/messages/count_tokens",
        body: gatewayBody(a.gatewayMarker),
        expect: "2xx",
        as: "key",
        check: (r) => expect(r.headers.get("x-ensemble-cache")).not.toMatch(/^hit/),
      },
    ],
  },
};

/** The route patterns the app/api tree defines, as Next's file-system router maps them. */
function routePatternsOnDisk(): string[] {
  const root = path.resolve(process.cwd(), "app/api");
  return (
    (readdirSync(root, { recursive: true }) as string[])
      .filter((file) => path.basename(file) === "route.ts")
      .map((file) =>
        `/api/${path.dirname(file).split(path.sep).join("/")}`.replace(/\[(\w+)\]/g, ":$1"),
      )
      // An optional catch-all serves its folder and everything below it.
      .flatMap((pattern) =>
        pattern.endsWith("/[[...path]]")
          ? [pattern.slice(0, -"/[[...path]]".length), pattern.replace("[[...path]]", "*")]
          : [pattern],
      )
  );
}

function fill(pattern: string, a: TeamAIds): string {
  // The gateway's catch-all: a /v1 path it proxies (Files).
  if (pattern === "/api/anthropic/*") return "/api/anthropic/v1/files";
  const ids: Record<string, string> = {
    "/api/team/members/:id": a.memberId,
    "/api/team/invites/:id": a.inviteId,
    "/api/keys/:id": a.apiKeyId,
    "/api/gateway/keys/:id": a.apiKeyId,
    "/api/agents/:id": a.agentId,
    "/api/cache/entries/:key": a.cacheKey,
    "/api/cache/warm/:id": a.warmJobId,
    "/api/budgets/:id": a.budgetId,
    "/api/templates/:id": a.templateId,
  };
  const id = ids[pattern] ?? a.runId;
  return pattern.replace(/:(id|key)/, encodeURIComponent(id));
}

let app: AppServer;
let a: TeamAIds;
let ownerA: ApiClient;
let gatewayA: ApiClient;
let sessionB: ApiClient;
let keyB: ApiClient;
let revokedKey: string;
let signedOutCookie: string;
let exported: string[];

async function waitForRun(client: ApiClient, id: string) {
  for (let i = 0; i < 200; i++) {
    const { json } = await client.get(`/api/runs/${id}`);
    if (!["queued", "running"].includes(json.run.status)) return json.run;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`run ${id} did not finish`);
}

async function setUpTeamA(): Promise<TeamAIds> {
  ownerA = new ApiClient(app.url);
  const account = await ownerA.signUp();
  const taskMarker = unique("alpha-task");
  const gatewayMarker = unique("alpha-gateway");

  const invite = await ownerA.post("/api/team/invites", { role: "member" });
  await new ApiClient(app.url).signUp({ invite: invite.json.invite.token });
  const pending = await ownerA.post("/api/team/invites", { role: "admin" });
  const members = (await ownerA.get("/api/team/members")).json.members as {
    id: string;
    role: string;
  }[];

  const key = await ownerA.post("/api/keys", { name: "a-admin", role: "admin" });
  gatewayA = new ApiClient(app.url, { "x-api-key": key.json.key });
  for (const expected of ["miss", "hit-memory"]) {
    const res = await gatewayA.post("/api/anthropic/v1/messages", gatewayBody(gatewayMarker));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ensemble-cache")).toBe(expected);
  }

  const agents = (await ownerA.get("/api/agents")).json.agents as { id: string; name: string }[];
  const agentId = agents.find((x) => x.name === "reviewer")!.id;
  const run = await ownerA.post("/api/runs", {
    task: `Review this: ${taskMarker}`,
    agents: [agentId],
  });
  expect((await waitForRun(ownerA, run.json.id)).status).toBe("succeeded");
  const tagMarker = unique("alpha-tag");
  expect((await ownerA.patch(`/api/runs/${run.json.id}`, { tags: [tagMarker] })).status).toBe(200);
  const template = await ownerA.post("/api/templates", {
    name: unique("alpha-template"),
    mode: "parallel",
    task: `Template: ${taskMarker}`,
    steps: [{ key: "reviewer", agent: agentId }],
  });
  expect(template.status).toBe(201);

  const entries = (await ownerA.get(`/api/cache/entries?agent=${agentId}`)).json.entries as {
    key: string;
  }[];
  expect(entries).toHaveLength(1);
  const cacheCursors = {} as Record<CacheSort, string>;
  for (const sort of CACHE_SORTS) {
    const page = await ownerA.get(`/api/cache/entries?sort=${sort}&limit=1`);
    cacheCursors[sort] = page.json.nextCursor;
    // A's own cursor works for A: the refusals below are about whose cursor it is.
    const next = await ownerA.get(
      `/api/cache/entries?sort=${sort}&limit=1&cursor=${page.json.nextCursor}`,
    );
    expect(next.status).toBe(200);
    expect(next.json.entries).toHaveLength(1);
  }
  const warm = await ownerA.post("/api/cache/warm", { topN: 1 });
  expect(warm.status).toBe(202);
  const budget = await ownerA.post("/api/budgets", {
    scope: "team",
    period: "month",
    limitUsd: 1000,
  });
  expect(budget.status).toBe(201);

  return {
    teamId: account.team.id,
    userId: account.user.id,
    email: account.user.email,
    agentId,
    runId: run.json.id,
    cacheKey: entries[0]!.key,
    apiKeyId: key.json.apiKey.id,
    apiKey: key.json.key,
    memberId: members.find((m) => m.role === "member")!.id,
    ownerMemberId: members.find((m) => m.role === "owner")!.id,
    inviteId: pending.json.invite.id,
    warmJobId: warm.json.job.id,
    budgetId: budget.json.budget.id,
    auditId: (await ownerA.get("/api/audit?limit=1")).json.events[0].id,
    templateId: template.json.template.id,
    tagMarker,
    cacheCursors,
    taskMarker,
    gatewayMarker,
  };
}

async function setUpTeamB() {
  sessionB = new ApiClient(app.url);
  await sessionB.signUp();
  const key = await sessionB.post("/api/keys", { name: "b-owner", role: "owner" });
  keyB = new ApiClient(app.url, { authorization: `Bearer ${key.json.key}` });
  const revoked = await sessionB.post("/api/keys", { name: "b-revoked", role: "owner" });
  revokedKey = revoked.json.key;
  expect((await sessionB.delete(`/api/keys/${revoked.json.apiKey.id}`)).status).toBe(204);

  const leaving = new ApiClient(app.url);
  const account = await leaving.signUp();
  await leaving.post("/api/auth/sign-in", {
    email: account.user.email,
    password: "correct horse battery",
  });
  signedOutCookie = leaving.cookie;
  expect((await leaving.post("/api/auth/sign-out")).status).toBe(204);
}

/** Which methods each route exports: the server answers 405 for a method a route does not export. */
async function discoverExportedMethods(): Promise<string[]> {
  const anonymous = new ApiClient(app.url);
  const found: string[] = [];
  for (const pattern of ROUTE_PATTERNS) {
    for (const method of METHODS) {
      const res = await anonymous.request(
        method,
        fill(pattern, a),
        method === "GET" || method === "DELETE" ? undefined : {},
      );
      if (res.status !== 405) found.push(`${method} ${pattern}`);
    }
  }
  return found;
}

// Starting the app, two teams, a run and every route module: minutes on a busy shared machine.
const SETUP_TIMEOUT_MS = 600_000;

beforeAll(async () => {
  app = await startAppServer({
    RATE_LIMIT_SIGN_IN_PER_MINUTE: "1000",
    // This file sends bad credentials to every route from one address on purpose.
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: "100000",
  });
  a = await setUpTeamA();
  await setUpTeamB();
  exported = await discoverExportedMethods();
}, SETUP_TIMEOUT_MS);
afterAll(async () => app?.close());

const userRoutes = () => Object.entries(TABLE).filter(([, e]) => e.access !== "public");

function expectUnauthorized(entry: Entry, res: Response, label: string) {
  expect(res.status, label).toBe(401);
  if (entry.access === "gateway") {
    expect(res.json, label).toEqual({
      type: "error",
      error: { type: "authentication_error", message: expect.any(String) },
      request_id: expect.stringMatching(/^req_/),
    });
  } else {
    expect(res.json?.error?.code, label).toBe("unauthorized");
  }
}

/**
 * Nothing team B receives may mention any of team A's identifiers or contents, beyond echoing
 * what B itself sent (an error may repeat the id it could not find).
 */
function expectNoLeak(res: Response, label: string, sent: string) {
  const secrets = [
    a.teamId,
    a.userId,
    a.email,
    a.agentId,
    a.runId,
    a.cacheKey,
    a.apiKeyId,
    a.apiKey.slice(0, 12),
  ];
  secrets.push(
    a.memberId,
    a.ownerMemberId,
    a.inviteId,
    a.warmJobId,
    a.budgetId,
    a.taskMarker,
    a.gatewayMarker,
  );
  secrets.push(a.auditId, a.templateId, a.tagMarker);
  for (const secret of secrets.filter((s) => !sent.includes(s))) {
    expect(res.text, `${label} leaks ${secret}`).not.toContain(secret);
  }
}

describe(`tenant isolation on ${dbKind}`, () => {
  it("covers every route file and every exported method in the table", () => {
    expect([...ROUTE_PATTERNS].sort()).toEqual(routePatternsOnDisk().sort());
    expect([...exported].sort()).toEqual(Object.keys(TABLE).sort());
  });

  it("refuses every non-public route without credentials, the gateway in Anthropic's error format", async () => {
    const anonymous = new ApiClient(app.url);
    for (const [name, entry] of Object.entries(TABLE)) {
      const [method, pattern] = name.split(" ") as [Method, string];
      const res = await anonymous.request(
        method,
        fill(pattern, a),
        method === "GET" ? undefined : {},
      );
      if (entry.access === "public") expect(res.status, name).not.toBe(401);
      else expectUnauthorized(entry, res, name);
    }
  });

  it("refuses a revoked key (as Bearer and as x-api-key), a garbage key and a signed-out session on every non-public route", async () => {
    const callers = {
      "revoked bearer": new ApiClient(app.url, { authorization: `Bearer ${revokedKey}` }),
      "revoked x-api-key": new ApiClient(app.url, { "x-api-key": revokedKey }),
      "garbage key": new ApiClient(app.url, {
        "x-api-key": "ens_garbage0_notarealkeyatallnotreal",
      }),
      "signed-out session": Object.assign(new ApiClient(app.url), { cookie: signedOutCookie }),
    };
    for (const [name, entry] of userRoutes()) {
      const [method, pattern] = name.split(" ") as [Method, string];
      for (const [who, client] of Object.entries(callers)) {
        const res = await client.request(
          method,
          fill(pattern, a),
          method === "GET" ? undefined : {},
        );
        expectUnauthorized(entry, res, `${name} with a ${who}`);
      }
    }
  });

  for (const credential of ["session", "key"] as const) {
    it(`answers team B's ${credential} with 404 for team A's ids and never shows A's data`, async () => {
      const client = credential === "session" ? sessionB : keyB;
      let probes = 0;
      for (const [name, entry] of userRoutes()) {
        const method = name.split(" ")[0] as Method;
        for (const probe of entry.crossTeam!(a)) {
          if (probe.as && probe.as !== credential) continue;
          const res = await client.request(method, probe.path, probe.body);
          const label = `${name} → ${probe.path}`;
          if (probe.expect === 404) {
            expect(res.status, label).toBe(404);
            expect(res.json?.error?.code ?? res.json?.error?.type, label).toMatch(/not_found/);
          } else if (probe.expect === "4xx") {
            expect(res.status, label).toBeGreaterThanOrEqual(400);
            expect(res.status, label).toBeLessThan(500);
          } else {
            expect(res.status, `${label}: ${res.text}`).toBeGreaterThanOrEqual(200);
            expect(res.status, label).toBeLessThan(300);
          }
          probe.check?.(res);
          expectNoLeak(res, label, probe.path + JSON.stringify(probe.body ?? null));
          probes++;
        }
      }
      expect(probes).toBeGreaterThan(30);
    });
  }

  it("leaves all of team A's data in place after team B's attempts", async () => {
    expect((await ownerA.get(`/api/agents/${a.agentId}`)).json.agent.system).not.toBe("pwned");
    const run = await ownerA.get(`/api/runs/${a.runId}`);
    expect(run.json.run.status).toBe("succeeded");
    expect(run.json.run.title).not.toBe("pwned");
    expect(await app.runtime.db.prisma.run.count({ where: { teamId: a.teamId } })).toBe(1);
    expect((await ownerA.get(`/api/cache/entries/${a.cacheKey}`)).status).toBe(200);
    const members = (await ownerA.get("/api/team/members")).json.members as {
      id: string;
      role: string;
    }[];
    expect(members.map((m) => [m.id, m.role]).sort()).toEqual(
      [
        [a.ownerMemberId, "owner"],
        [a.memberId, "member"],
      ].sort(),
    );
    expect(
      (await ownerA.get("/api/team/invites")).json.invites.map((i: { id: string }) => i.id),
    ).toEqual([a.inviteId]);
    expect((await ownerA.get("/api/keys")).json.keys[0]).toMatchObject({
      id: a.apiKeyId,
      revokedAt: null,
    });
    expect((await ownerA.get(`/api/cache/warm/${a.warmJobId}`)).status).toBe(200);
    // A's own gateway cache still answers A, from memory: B's purges did not touch A's L1 copy.
    const again = await gatewayA.post("/api/anthropic/v1/messages", gatewayBody(a.gatewayMarker));
    expect(again.headers.get("x-ensemble-cache")).toBe("hit-memory");
  });
});
