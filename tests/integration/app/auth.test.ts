/**
 * Accounts, sessions, invites, roles and CSRF through the real route handlers over HTTP.
 * Each test signs up its own team so tests do not depend on one another's state.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STARTER_AGENTS } from "@/lib/agents/starter-agents";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

let app: AppServer;

beforeAll(async () => {
  // Many sign-ups come from one address here; the sign-in limit has its own test file.
  app = await startAppServer({ RATE_LIMIT_SIGN_IN_PER_MINUTE: "1000" });
});
afterAll(async () => app?.close());

const prisma = () => app.runtime.db.prisma;
const PASSWORD = "correct horse battery";
const uniqueEmail = () => `auth-${Math.random().toString(36).slice(2, 10)}@example.test`;

/** A client holding only the given raw cookie, to replay a session value after the fact. */
function clientWithCookie(cookie: string) {
  const client = new ApiClient(app.url);
  client.cookie = cookie;
  return client;
}

/** An owner, plus a fresh client per invited role, all on one team. */
async function teamWith(roles: ("admin" | "member")[]) {
  const owner = new ApiClient(app.url);
  const account = await owner.signUp();
  const others: ApiClient[] = [];
  for (const role of roles) {
    const { status, json } = await owner.post("/api/team/invites", { role });
    expect(status).toBe(201);
    const client = new ApiClient(app.url);
    const joined = await client.signUp({ invite: json.invite.token });
    expect(joined.role).toBe(role);
    others.push(client);
  }
  return { owner, account, others };
}

async function mintKey(client: ApiClient, role: "owner" | "admin" | "member") {
  const { status, json } = await client.post("/api/keys", { name: `${role} key`, role });
  expect(status).toBe(201);
  return json.key as string;
}

describe(`sign-up and sign-in on ${dbKind}`, () => {
  it("creates a team owned by the new user, seeded with the starter agents", async () => {
    const api = new ApiClient(app.url);
    const account = await api.signUp({ teamName: "Platform" });

    expect(account.role).toBe("owner");
    expect(account.team).toMatchObject({ name: "Platform" });
    const { status, json } = await api.get("/api/agents");
    expect(status).toBe(200);
    expect(json.agents.map((a: { name: string }) => a.name).sort()).toEqual(
      STARTER_AGENTS.map((a) => a.name).sort(),
    );
    const membership = await prisma().membership.findFirst({ where: { userId: account.user.id } });
    expect(membership).toMatchObject({ teamId: account.team.id, role: "owner" });
  });

  it("refuses a second account with the same email, case-insensitively, naming the email field", async () => {
    const email = uniqueEmail();
    await new ApiClient(app.url).signUp({ email });

    const again = await new ApiClient(app.url).post("/api/auth/sign-up", {
      email: email.toUpperCase(),
      name: "Someone Else",
      password: PASSWORD,
    });

    expect(again.status).toBe(409);
    expect(again.json.error).toMatchObject({ code: "conflict", field: "email" });
    expect(again.headers.getSetCookie()).toEqual([]);
  });

  it("sets an HttpOnly, SameSite=Lax, Path=/ session cookie on sign-in that /api/auth/me accepts", async () => {
    const email = uniqueEmail();
    const account = await new ApiClient(app.url).signUp({ email });

    const api = new ApiClient(app.url);
    const res = await api.post("/api/auth/sign-in", { email, password: PASSWORD });

    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("ensemble_session="))!;
    const attributes = cookie.split(";").map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(["httponly", "samesite=lax", "path=/"]));
    // Plain HTTP here, so no Secure (browsers would drop the cookie otherwise).
    expect(attributes).not.toContain("secure");

    const me = await api.get("/api/auth/me");
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ user: { id: account.user.id, email }, role: "owner" });

    // Only a hash of the token is stored server-side.
    const token = api.cookie.split("=")[1]!;
    const stored = await prisma().session.findMany({ where: { userId: account.user.id } });
    expect(stored.length).toBeGreaterThan(0);
    for (const session of stored) expect(session.tokenHash).not.toContain(token);
  });

  it("answers a wrong password exactly as it answers an unknown email", async () => {
    const email = uniqueEmail();
    await new ApiClient(app.url).signUp({ email });

    const wrongPassword = await new ApiClient(app.url).post("/api/auth/sign-in", {
      email,
      password: "not the password",
    });
    const unknownEmail = await new ApiClient(app.url).post("/api/auth/sign-in", {
      email: uniqueEmail(),
      password: PASSWORD,
    });

    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(wrongPassword.json).toEqual(unknownEmail.json);
    expect(wrongPassword.headers.getSetCookie()).toEqual([]);
  });

  it("invalidates the session server-side on sign-out, so the old cookie value is refused", async () => {
    const api = new ApiClient(app.url);
    const account = await api.signUp();
    const oldCookie = api.cookie;

    const out = await api.post("/api/auth/sign-out");

    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join(";")).toMatch(/ensemble_session=;.*Max-Age=0/);
    expect(await prisma().session.count({ where: { userId: account.user.id } })).toBe(0);
    const replayed = await clientWithCookie(oldCookie).get("/api/auth/me");
    expect(replayed.status).toBe(401);
    expect(replayed.json.error.code).toBe("unauthorized");
  });

  it("refuses a session whose expiry has passed", async () => {
    const api = new ApiClient(app.url);
    const account = await api.signUp();
    expect((await api.get("/api/auth/me")).status).toBe(200);

    await prisma().session.updateMany({
      where: { userId: account.user.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });

    const me = await api.get("/api/auth/me");
    expect(me.status).toBe(401);
    expect(me.json.error.code).toBe("unauthorized");
    expect((await api.get("/api/agents")).status).toBe(401);
  });

  it("refuses a forged session cookie", async () => {
    const res = await clientWithCookie("ensemble_session=forged-token-value").get("/api/auth/me");
    expect(res.status).toBe(401);
  });
});

describe(`invites on ${dbKind}`, () => {
  it("lets a new user join the inviting team with the invite's role, once", async () => {
    const owner = new ApiClient(app.url);
    const ownerAccount = await owner.signUp();
    const created = await owner.post("/api/team/invites", { role: "member" });
    expect(created.status).toBe(201);
    expect(created.json.invite.url).toContain(encodeURIComponent(created.json.invite.token));
    const token: string = created.json.invite.token;

    const joiner = new ApiClient(app.url);
    const joined = await joiner.signUp({ invite: token, teamName: "ignored" });

    expect(joined).toMatchObject({ role: "member", team: { id: ownerAccount.team.id } });
    expect((await joiner.get("/api/auth/me")).json).toMatchObject({
      role: "member",
      team: { id: ownerAccount.team.id },
    });
    const members = await owner.get("/api/team/members");
    expect(members.json.members.map((m: { user: { id: string } }) => m.user.id)).toContain(
      joined.user.id,
    );
    // No team was created for the joiner.
    expect(await prisma().team.count({ where: { name: "ignored" } })).toBe(0);
    expect((await owner.get("/api/team/invites")).json.invites).toEqual([]);

    const reuse = await new ApiClient(app.url).post("/api/auth/sign-up", {
      email: uniqueEmail(),
      name: "Second",
      password: PASSWORD,
      invite: token,
    });
    expect(reuse.status).toBe(422);
    expect(reuse.json.error.field).toBe("invite");
    expect(reuse.headers.getSetCookie()).toEqual([]);
  });

  it("rolls back the new user when the invite is invalid, so the email stays free", async () => {
    const email = uniqueEmail();
    const bad = await new ApiClient(app.url).post("/api/auth/sign-up", {
      email,
      name: "Nobody",
      password: PASSWORD,
      invite: "not-a-real-invite-token",
    });
    expect(bad.status).toBe(422);
    expect(await prisma().user.count({ where: { email } })).toBe(0);
  });

  it("refuses an expired invite", async () => {
    const owner = new ApiClient(app.url);
    await owner.signUp();
    const { json } = await owner.post("/api/team/invites", { role: "member" });
    await prisma().invite.update({
      where: { id: json.invite.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });

    const res = await new ApiClient(app.url).post("/api/auth/sign-up", {
      email: uniqueEmail(),
      name: "Late",
      password: PASSWORD,
      invite: json.invite.token,
    });
    expect(res.status).toBe(422);
    expect(res.json.error.field).toBe("invite");
  });
});

describe(`roles on ${dbKind}`, () => {
  it("lets a member run agents and read history but not manage agents, keys or the cache", async () => {
    const {
      others: [member],
    } = await teamWith(["member"]);

    expect(
      (await member!.post("/api/agents", { name: "sneaky", model: "claude-sonnet-5-5" })).status,
    ).toBe(403);
    expect((await member!.get("/api/keys")).status).toBe(403);
    expect((await member!.post("/api/keys", { name: "k" })).status).toBe(403);
    expect((await member!.get("/api/cache/stats")).status).toBe(403);
    expect((await member!.post("/api/team/invites", { role: "member" })).status).toBe(403);

    const started = await member!.post("/api/runs", { task: "Say hello.", agents: ["reviewer"] });
    expect(started.status).toBe(201);
    const history = await member!.get("/api/runs");
    expect(history.status).toBe(200);
    expect(history.json.runs.map((r: { id: string }) => r.id)).toContain(started.json.id);
    expect((await member!.get(`/api/runs/${started.json.id}`)).status).toBe(200);
    expect((await member!.get("/api/agents")).status).toBe(200);
  });

  it("lets an admin manage agents but not members or invites", async () => {
    const {
      owner,
      others: [admin],
    } = await teamWith(["admin"]);
    const members = (await owner.get("/api/team/members")).json.members as {
      id: string;
      role: string;
    }[];
    const ownerMembership = members.find((m) => m.role === "owner")!;

    expect(
      (await admin!.post("/api/agents", { name: "admins-agent", model: "claude-sonnet-5-5" }))
        .status,
    ).toBe(201);
    const patch = await admin!.patch(`/api/team/members/${ownerMembership.id}`, { role: "member" });
    expect(patch.status).toBe(403);
    expect((await admin!.delete(`/api/team/members/${ownerMembership.id}`)).status).toBe(403);
    expect((await admin!.get("/api/team/invites")).status).toBe(403);
    // The owner is untouched.
    expect((await owner.get("/api/auth/me")).json.role).toBe("owner");
  });

  it("never demotes or removes a team's last owner", async () => {
    const owner = new ApiClient(app.url);
    await owner.signUp();
    const [me] = (await owner.get("/api/team/members")).json.members as { id: string }[];

    const demote = await owner.patch(`/api/team/members/${me!.id}`, { role: "admin" });
    expect(demote.status).toBe(409);
    expect(demote.json.error.field).toBe("role");
    expect((await owner.delete(`/api/team/members/${me!.id}`)).status).toBe(409);
    expect((await owner.get("/api/auth/me")).json.role).toBe("owner");
  });

  it("signs a removed member out everywhere: their session stops working at once", async () => {
    const {
      owner,
      others: [member],
    } = await teamWith(["member"]);
    const memberId = ((await member!.get("/api/auth/me")).json.user as { id: string }).id;
    const row = (
      (await owner.get("/api/team/members")).json.members as { id: string; user: { id: string } }[]
    ).find((m) => m.user.id === memberId)!;

    expect((await owner.delete(`/api/team/members/${row.id}`)).status).toBe(204);

    expect((await member!.get("/api/runs")).status).toBe(401);
  });

  it("applies a role change on the member's very next request", async () => {
    const {
      owner,
      others: [member],
    } = await teamWith(["member"]);
    const memberUserId = (await member!.get("/api/auth/me")).json.user.id as string;
    const row = (
      (await owner.get("/api/team/members")).json.members as { id: string; user: { id: string } }[]
    ).find((m) => m.user.id === memberUserId)!;
    expect((await member!.get("/api/keys")).status).toBe(403);

    expect((await owner.patch(`/api/team/members/${row.id}`, { role: "admin" })).status).toBe(200);

    expect((await member!.get("/api/keys")).status).toBe(200);
  });
});

describe(`API keys on ${dbKind}`, () => {
  it("accepts a key as Authorization: Bearer and as x-api-key", async () => {
    const owner = new ApiClient(app.url);
    const account = await owner.signUp();
    const key = await mintKey(owner, "member");

    const bearer = await new ApiClient(app.url, { authorization: `Bearer ${key}` }).get(
      "/api/auth/me",
    );
    const header = await new ApiClient(app.url, { "x-api-key": key }).get("/api/auth/me");

    expect(bearer.status).toBe(200);
    expect(bearer.json).toMatchObject({ teamId: account.team.id, role: "member" });
    expect(header.status).toBe(200);
    expect(header.json).toEqual(bearer.json);
  });

  it("returns the full key only once and stores only its prefix in clear", async () => {
    const owner = new ApiClient(app.url);
    await owner.signUp();
    const key = await mintKey(owner, "member");
    expect(key).toMatch(/^ens_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{20,}$/);

    const listed = await owner.get("/api/keys");
    expect(listed.text).not.toContain(key);
    expect(listed.json.keys[0].prefix).toBe(key.slice(0, 12));
  });

  it("never lets a key mint a key stronger than itself", async () => {
    const owner = new ApiClient(app.url);
    await owner.signUp();
    const member = new ApiClient(app.url, {
      authorization: `Bearer ${await mintKey(owner, "member")}`,
    });
    const admin = new ApiClient(app.url, {
      authorization: `Bearer ${await mintKey(owner, "admin")}`,
    });

    expect((await member.post("/api/keys", { name: "escalate", role: "admin" })).status).toBe(403);
    expect((await member.post("/api/keys", { name: "same", role: "member" })).status).toBe(403);
    const escalate = await admin.post("/api/keys", { name: "escalate", role: "owner" });
    expect(escalate.status).toBe(403);
    expect(escalate.json.error.code).toBe("forbidden");
    expect((await admin.post("/api/keys", { name: "peer", role: "admin" })).status).toBe(201);
    expect(
      (await owner.get("/api/keys")).json.keys.map((k: { role: string }) => k.role).sort(),
    ).toEqual(["admin", "admin", "member"]);
  });

  it("refuses a revoked key at once", async () => {
    const owner = new ApiClient(app.url);
    await owner.signUp();
    const { json } = await owner.post("/api/keys", { name: "short-lived", role: "member" });
    const client = new ApiClient(app.url, { "x-api-key": json.key });
    expect((await client.get("/api/runs")).status).toBe(200);

    expect((await owner.delete(`/api/keys/${json.apiKey.id}`)).status).toBe(204);

    const refused = await client.get("/api/runs");
    expect(refused.status).toBe(401);
    expect(refused.json.error.code).toBe("unauthorized");
    expect((await owner.delete(`/api/keys/${json.apiKey.id}`)).status).toBe(404);
  });
});

describe(`CSRF on ${dbKind}`, () => {
  const agent = () => ({
    name: `csrf-${Math.random().toString(36).slice(2, 8)}`,
    model: "claude-sonnet-5-5",
  });

  it("refuses a cookie-authenticated write from another origin", async () => {
    const owner = new ApiClient(app.url);
    await owner.signUp();

    const evil = await owner.request("POST", "/api/agents", agent(), {
      origin: "https://evil.example",
    });
    expect(evil.status).toBe(403);
    expect(evil.json.error.code).toBe("forbidden");
    const crossSite = await owner.request("POST", "/api/agents", agent(), {
      "sec-fetch-site": "cross-site",
    });
    expect(crossSite.status).toBe(403);
    const badOrigin = await owner.request("DELETE", "/api/keys/x", undefined, { origin: "null" });
    expect(badOrigin.status).toBe(403);
  });

  it("accepts the same write from our own origin, and reads from anywhere", async () => {
    const owner = new ApiClient(app.url);
    await owner.signUp();

    const same = await owner.request("POST", "/api/agents", agent(), {
      origin: app.url,
      "sec-fetch-site": "same-origin",
    });
    expect(same.status).toBe(201);
    expect((await owner.get("/api/agents", { origin: "https://evil.example" })).status).toBe(200);
  });

  it("does not apply the Origin check to API keys, which carry no ambient credentials", async () => {
    const owner = new ApiClient(app.url);
    await owner.signUp();
    const keyClient = new ApiClient(app.url, {
      authorization: `Bearer ${await mintKey(owner, "admin")}`,
    });

    const res = await keyClient.request("POST", "/api/agents", agent(), {
      origin: "https://evil.example",
    });
    expect(res.status).toBe(201);
  });

  it("refuses a cross-site sign-in, so an attacker cannot log a victim into the attacker's account", async () => {
    const email = uniqueEmail();
    await new ApiClient(app.url).signUp({ email });

    const res = await new ApiClient(app.url).post(
      "/api/auth/sign-in",
      { email, password: PASSWORD },
      { origin: "https://evil.example" },
    );
    expect(res.status).toBe(403);
    expect(res.headers.getSetCookie()).toEqual([]);
  });
});
