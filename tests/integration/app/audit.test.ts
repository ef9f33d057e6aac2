/**
 * The audit log (issue 14, item 4): each audited action adds exactly one record naming the right
 * actor, target and team; another team never sees it; members are refused; a failed action
 * records nothing; the CSV export is the JSON export; nothing secret is ever recorded.
 * (Retention of the log: tests/integration/retention/sweep.test.ts.)
 */
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MODEL } from "@/lib/agents/models";
import type { AuditEventView } from "@/lib/audit/actions";
import { PEER_ADDRESS_HEADER } from "@/lib/http/client-address";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const PASSWORD = "correct horse battery";
// The server stamps the socket's address on every request (lib/http/peer-stamp); this harness
// has no such stamp, so the clients carry the one a server would have written.
const ADDRESS = "203.0.113.7";
const UA = `audit-test/1.0 ${"x".repeat(400)}`;

let app: AppServer;
let owner: ApiClient;
let ownerAccount: { user: { id: string; email: string }; team: { id: string } };
let other: ApiClient;
/** Everything secret this file handles: none may appear in any record. */
const secrets: string[] = [PASSWORD];

const client = () => new ApiClient(app.url, { [PEER_ADDRESS_HEADER]: ADDRESS, "user-agent": UA });
const prisma = () => app.runtime.db.prisma;

async function teamRows(teamId: string) {
  return prisma().auditEvent.findMany({
    where: { teamId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
}

/**
 * Runs `act` and returns the one record it added to the team (failing unless exactly one was
 * added, of the expected action).
 */
async function expectOneRecord(action: string, act: () => Promise<{ status: number }>) {
  const before = new Set((await teamRows(ownerAccount.team.id)).map((r) => r.id));
  const res = await act();
  expect(res.status, action).toBeLessThan(300);
  const added = (await teamRows(ownerAccount.team.id)).filter((r) => !before.has(r.id));
  expect(
    added.map((r) => r.action),
    action,
  ).toEqual([action]);
  const row = added[0]!;
  expect(row.address).toBe(ADDRESS);
  expect(row.userAgent).toBe(UA.slice(0, 200));
  return row;
}

beforeAll(async () => {
  app = await startAppServer();
  owner = client();
  ownerAccount = await owner.signUp({ password: PASSWORD });
  other = client();
  await other.signUp();
}, 120_000);
afterAll(async () => app?.close());

describe(`the audit log on ${dbKind}`, () => {
  let apiKey: { id: string; prefix: string };
  let keyClient: ApiClient;

  it("recorded the sign-up in the new team, the new owner as actor", async () => {
    const [row] = await teamRows(ownerAccount.team.id);
    expect(row).toMatchObject({
      action: "auth.sign-up",
      actorKind: "user",
      actorId: ownerAccount.user.id,
      actorLabel: ownerAccount.user.email,
      targetKind: "user",
      targetId: ownerAccount.user.id,
      details: { role: "owner", via: "new-team", inviteId: null },
    });
  });

  it("records sign-in, a failed sign-in for the team's member, and an unknown email in no team", async () => {
    const email = ownerAccount.user.email;
    const signIn = await expectOneRecord("auth.sign-in", () =>
      client().post("/api/auth/sign-in", { email, password: PASSWORD }),
    );
    expect(signIn).toMatchObject({ actorKind: "user", actorId: ownerAccount.user.id });

    const failed = await expectOneRecord("auth.sign-in-failed", async () => {
      const res = await client().post("/api/auth/sign-in", { email, password: "wrong password!" });
      expect(res.status).toBe(401);
      return { status: 200 };
    });
    expect(failed).toMatchObject({
      actorKind: "anonymous",
      actorId: null,
      actorLabel: email,
      targetKind: "user",
      targetId: ownerAccount.user.id,
      details: { reason: "wrong-password" },
    });

    const stranger = `nobody-${Math.random().toString(36).slice(2)}@example.test`;
    const before = await prisma().auditEvent.count({ where: { teamId: ownerAccount.team.id } });
    expect(
      (await client().post("/api/auth/sign-in", { email: stranger, password: "x" })).status,
    ).toBe(401);
    const orphans = await prisma().auditEvent.findMany({ where: { actorLabel: stranger } });
    expect(orphans).toMatchObject([
      { teamId: null, action: "auth.sign-in-failed", details: { reason: "unknown-email" } },
    ]);
    expect(await prisma().auditEvent.count({ where: { teamId: ownerAccount.team.id } })).toBe(
      before,
    );
  });

  it("records key creation by a user and agent changes by that key, never the key itself", async () => {
    const created = await owner.post("/api/keys", { name: "ci", role: "admin" });
    secrets.push(created.json.key);
    apiKey = created.json.apiKey;
    const rows = await teamRows(ownerAccount.team.id);
    expect(rows.at(-1)).toMatchObject({
      action: "key.create",
      actorKind: "user",
      actorId: ownerAccount.user.id,
      actorLabel: ownerAccount.user.email,
      targetKind: "api-key",
      targetId: apiKey.id,
      targetLabel: `ci (${apiKey.prefix}…)`,
      details: { role: "admin", expiresAt: null },
    });
    keyClient = new ApiClient(app.url, {
      "x-api-key": created.json.key,
      [PEER_ADDRESS_HEADER]: ADDRESS,
      "user-agent": UA,
    });

    let agentId = "";
    const create = await expectOneRecord("agent.create", async () => {
      const res = await keyClient.post("/api/agents", {
        name: "auditor",
        model: DEFAULT_MODEL,
        system: "SECRET-SYSTEM-PROMPT",
      });
      agentId = res.json.agent.id;
      return res;
    });
    expect(create).toMatchObject({
      actorKind: "api-key",
      actorId: apiKey.id,
      actorLabel: `${apiKey.prefix}…`,
      targetKind: "agent",
      targetId: agentId,
      targetLabel: "auditor",
    });
    const update = await expectOneRecord("agent.update", () =>
      keyClient.patch(`/api/agents/${agentId}`, { system: "SECRET-2", temperature: 0.5 }),
    );
    expect(update.details).toEqual({ fields: ["system", "temperature"] });
    secrets.push("SECRET-SYSTEM-PROMPT", "SECRET-2");
    await expectOneRecord("agent.delete", () => keyClient.delete(`/api/agents/${agentId}`));
    const imported = await expectOneRecord("agent.import", () =>
      keyClient.post("/api/agents/import", {
        agents: { "imported-a": { model: DEFAULT_MODEL }, reviewer: { model: DEFAULT_MODEL } },
      }),
    );
    expect(imported.details).toEqual({
      created: 1,
      updated: 1,
      names: ["imported-a", "reviewer"],
    });
  });

  it("records nothing when the action fails", async () => {
    const before = (await teamRows(ownerAccount.team.id)).length;
    expect(
      (await owner.post("/api/agents", { name: "reviewer", model: DEFAULT_MODEL })).status,
    ).toBe(409);
    expect((await owner.delete("/api/agents/nosuchagent00000000000000")).status).toBe(404);
    expect((await owner.delete("/api/keys/nosuchkey000000000000000")).status).toBe(404);
    expect((await teamRows(ownerAccount.team.id)).length).toBe(before);
  });

  it("records invites, a member joining, role changes and removal; members may not read the log", async () => {
    const inv = await expectOneRecord("invite.create", () =>
      owner.post("/api/team/invites", { role: "member" }),
    );
    expect(inv).toMatchObject({ targetKind: "invite", details: { role: "member" } });
    const invite = await owner.post("/api/team/invites", { role: "member" });
    secrets.push(invite.json.invite.token);
    await expectOneRecord("invite.revoke", () =>
      owner.delete(`/api/team/invites/${invite.json.invite.id}`),
    );

    const again = await owner.post("/api/team/invites", { role: "member" });
    secrets.push(again.json.invite.token);
    const member = client();
    let memberId = "";
    const joined = await expectOneRecord("auth.sign-up", async () => {
      const account = await member.signUp({ invite: again.json.invite.token });
      memberId = account.user.id;
      return { status: 201 };
    });
    expect(joined).toMatchObject({
      actorId: memberId,
      details: { role: "member", via: "invite", inviteId: again.json.invite.id },
    });

    const forbidden = await member.get("/api/audit");
    expect(forbidden.status).toBe(403);
    expect((await member.get("/api/audit/export?format=json")).status).toBe(403);

    const membership = (await owner.get("/api/team/members")).json.members.find(
      (m: { user: { id: string } }) => m.user.id === memberId,
    );
    const change = await expectOneRecord("member.role-change", () =>
      owner.patch(`/api/team/members/${membership.id}`, { role: "admin" }),
    );
    expect(change).toMatchObject({
      targetKind: "member",
      targetId: membership.id,
      details: { from: "member", to: "admin" },
    });
    // Now an admin: the log is theirs to read.
    expect((await member.get("/api/audit")).status).toBe(200);
    const removed = await expectOneRecord("member.remove", () =>
      owner.delete(`/api/team/members/${membership.id}`),
    );
    expect(removed.details).toEqual({ role: "admin" });
  });

  it("records cache purge and warm, settings changes, key revocation and sign-out", async () => {
    const purge = await expectOneRecord("cache.purge", () =>
      owner.post("/api/cache/purge", { all: true }),
    );
    expect(purge.details).toEqual({ all: true, purged: 0 });
    const warm = await expectOneRecord("cache.warm", () =>
      owner.post("/api/cache/warm", { topN: 3 }),
    );
    expect(warm).toMatchObject({ targetKind: "warm-job", details: { topN: 3, total: 0 } });
    const settings = await expectOneRecord("team.settings-change", () =>
      owner.patch("/api/gateway/settings", { clientCredentials: true }),
    );
    expect(settings).toMatchObject({
      targetKind: "team",
      targetId: ownerAccount.team.id,
      details: { gatewayClientCredentials: { from: false, to: true } },
    });
    await expectOneRecord("key.revoke", () => owner.delete(`/api/keys/${apiKey.id}`));

    const leaving = client();
    await leaving.post("/api/auth/sign-in", { email: ownerAccount.user.email, password: PASSWORD });
    const out = await expectOneRecord("auth.sign-out", () => leaving.post("/api/auth/sign-out"));
    expect(out).toMatchObject({ actorId: ownerAccount.user.id, details: { sessions: 1 } });
    // A cookie that is no longer a session signs nobody out, and records nothing.
    const before = (await teamRows(ownerAccount.team.id)).length;
    expect((await leaving.post("/api/auth/sign-out")).status).toBe(204);
    expect((await teamRows(ownerAccount.team.id)).length).toBe(before);
  });

  it("lists the team's records newest first, filtered, a page at a time", async () => {
    const all = (await owner.get("/api/audit?limit=200")).json as {
      events: AuditEventView[];
      nextCursor: string | null;
    };
    const rows = await teamRows(ownerAccount.team.id);
    expect(all.events.map((e) => e.id)).toEqual(rows.map((r) => r.id).reverse());
    expect(all.nextCursor).toBeNull();

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await owner.get(`/api/audit?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      paged.push(...page.json.events.map((e: AuditEventView) => e.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all.events.map((e) => e.id));

    const agents = (await owner.get("/api/audit?targetKind=agent")).json.events;
    expect(agents.map((e: AuditEventView) => e.action).sort()).toEqual([
      "agent.create",
      "agent.delete",
      "agent.update",
    ]);
    const byKey = (await owner.get(`/api/audit?actor=${encodeURIComponent(apiKey.id)}`)).json;
    expect(byKey.events).toHaveLength(4);
    const byPrefix = (await owner.get(`/api/audit?actor=${encodeURIComponent(apiKey.prefix)}`))
      .json;
    expect(byPrefix.events).toEqual(byKey.events);
    const byEmail = await owner.get(
      `/api/audit?action=auth.sign-in&actor=${encodeURIComponent(ownerAccount.user.email)}`,
    );
    expect(byEmail.json.events).toHaveLength(2);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await owner.get(`/api/audit?since=${future}`)).json.events).toEqual([]);
    const until = (await owner.get(`/api/audit?until=${rows[0]!.createdAt.toISOString()}`)).json;
    expect(until.events.map((e: AuditEventView) => e.id)).toContain(rows[0]!.id);
  });

  it("refuses bad filters naming the field", async () => {
    for (const [query, field] of [
      ["action=agent.explode", "action"],
      ["targetKind=planet", "targetKind"],
      ["since=yesterday", "since"],
      ["limit=0", "limit"],
      ["cursor=../../etc", "cursor"],
      [`since=${new Date().toISOString()}&until=2020-01-01T00:00:00Z`, "until"],
      ["color=red", undefined],
    ] as const) {
      const res = await owner.get(`/api/audit?${query}`);
      expect(res.status, query).toBeGreaterThanOrEqual(400);
      expect(res.status, query).toBeLessThan(500);
      if (field) expect(res.json.error.field, query).toBe(field);
    }
    expect((await owner.get("/api/audit/export?format=xml")).json.error.field).toBe("format");
  });

  it("never shows one team's records to another, nor takes its ids as cursors", async () => {
    const mine = (await owner.get("/api/audit?limit=1")).json.events[0] as AuditEventView;
    const theirs = await other.get("/api/audit?limit=200");
    expect(theirs.json.events.map((e: AuditEventView) => e.action)).toEqual(["auth.sign-up"]);
    expect(theirs.text).not.toContain(ownerAccount.team.id);
    expect(theirs.text).not.toContain(ownerAccount.user.email);
    const cursor = await other.get(`/api/audit?cursor=${mine.id}`);
    expect(cursor.status).toBe(422);
    expect(cursor.json.error.field).toBe("cursor");
    const exported = await other.get("/api/audit/export?format=json");
    expect(exported.text).not.toContain(ownerAccount.user.email);
  });

  it("exports the same records as CSV and as JSON, as a download", async () => {
    const json = await owner.get("/api/audit/export?format=json");
    expect(json.headers.get("content-disposition")).toMatch(
      /^attachment; filename="audit-log-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    const csv = await owner.get("/api/audit/export?format=csv");
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(/\.csv"$/);
    const events = json.json as AuditEventView[];
    const listed = (await owner.get("/api/audit?limit=200")).json.events;
    expect(events).toEqual(listed);

    const records = parse(csv.text, { columns: true }) as Record<string, string>[];
    const fromCsv = records.map((r) => ({
      id: r.id,
      action: r.action,
      actor: { kind: r.actorKind, id: r.actorId || null, label: r.actorLabel },
      target: r.targetKind
        ? { kind: r.targetKind, id: r.targetId || null, label: r.targetLabel || null }
        : null,
      details: JSON.parse(r.details!),
      address: r.address,
      userAgent: r.userAgent || null,
      createdAt: r.createdAt,
    }));
    expect(fromCsv).toEqual(events);

    const filtered = await owner.get("/api/audit/export?format=csv&action=agent.create");
    expect(parse(filtered.text, { columns: true })).toHaveLength(1);
  });

  it("holds no key, password, token or prompt, and refuses to change a record", async () => {
    const dump = JSON.stringify(await prisma().auditEvent.findMany());
    for (const secret of secrets) expect(dump).not.toContain(secret);
    const [row] = await teamRows(ownerAccount.team.id);
    await expect(
      prisma().auditEvent.update({ where: { id: row!.id }, data: { action: "forged" } }),
    ).rejects.toThrow(/append-only/);
  });
});
