/**
 * Issue 10's auth findings (3 and the low ones) through the real route handlers. This server
 * trusts one proxy hop (TRUST_PROXY_HOPS=1), so each test can speak from an address of its own
 * by sending X-Forwarded-For as that proxy would.
 */
import { randomBytes, scryptSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const SIGN_IN_LIMIT = 5;
const AUTH_FAILURE_LIMIT = 8;
let app: AppServer;

beforeAll(async () => {
  app = await startAppServer({
    TRUST_PROXY_HOPS: "1",
    RATE_LIMIT_SIGN_IN_PER_MINUTE: String(SIGN_IN_LIMIT),
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURE_LIMIT),
  });
});
afterAll(async () => app?.close());

const prisma = () => app.runtime.db.prisma;
const PASSWORD = "correct horse battery";
let nextAddress = 1;
/** A fresh client address (as the trusted proxy reports it) for each use. */
const address = () => `198.51.100.${nextAddress++}`;
const from = (ip: string, headers: Record<string, string> = {}) =>
  new ApiClient(app.url, { "x-forwarded-for": ip, ...headers });

async function signedUp(ip = address()) {
  const client = from(ip);
  const account = await client.signUp();
  return { client, account, ip };
}

describe(`behind one trusted proxy on ${dbKind}`, () => {
  it("marks the session cookie Secure when the proxy says the client used HTTPS", async () => {
    const { account } = await signedUp();
    const res = await from(address(), { "x-forwarded-proto": "https" }).post("/api/auth/sign-in", {
      email: account.user.email,
      password: PASSWORD,
    });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().join(";").toLowerCase()).toContain("secure");
  });

  it("builds invite links from the proxy's X-Forwarded-Host and -Proto", async () => {
    const { client } = await signedUp();
    const res = await client.request(
      "POST",
      "/api/team/invites",
      { role: "member" },
      {
        "x-forwarded-host": "ensemble.example",
        "x-forwarded-proto": "https",
        origin: "https://ensemble.example",
      },
    );
    expect(res.status).toBe(201);
    expect(res.json.invite.url).toMatch(/^https:\/\/ensemble\.example\/sign-up\?invite=/);
  });
});

describe(`sign-in limits on ${dbKind}`, () => {
  it("never lets wrong passwords from one address lock the owner out from another", async () => {
    const { account } = await signedUp();
    const attacker = address();
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_LIMIT + 3; i++) {
      const res = await from(attacker).post("/api/auth/sign-in", {
        email: account.user.email,
        password: `wrong guess ${i}`,
      });
      statuses.push(res.status);
    }
    expect(
      statuses.slice(0, SIGN_IN_LIMIT).every((s) => s === 401),
      String(statuses),
    ).toBe(true);
    expect(statuses.at(-1)).toBe(429);

    const owner = await from(address()).post("/api/auth/sign-in", {
      email: account.user.email,
      password: PASSWORD,
    });
    expect(owner.status).toBe(200);
    // The attacker's own address stays limited, right password or not.
    const again = await from(attacker).post("/api/auth/sign-in", {
      email: account.user.email,
      password: PASSWORD,
    });
    expect(again.status).toBe(429);
  });

  it("limits failed authentications (unknown keys, forged cookies) per address, not per key", async () => {
    const { client } = await signedUp();
    const key = (await client.post("/api/keys", { name: "good", role: "member" })).json.key;
    const guesser = address();
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_FAILURE_LIMIT + 4; i++) {
      const headers: Record<string, string> =
        i % 2 === 0
          ? { "x-api-key": `ens_guess000_${randomBytes(18).toString("base64url")}` }
          : { cookie: `ensemble_session=${randomBytes(32).toString("base64url")}` };
      statuses.push((await from(guesser, headers).get("/api/runs")).status);
    }
    expect(
      statuses.slice(0, AUTH_FAILURE_LIMIT).every((s) => s === 401),
      String(statuses),
    ).toBe(true);
    expect(
      statuses.slice(AUTH_FAILURE_LIMIT).every((s) => s === 429),
      String(statuses),
    ).toBe(true);
    // Another address with a good key is untouched.
    expect((await from(address(), { "x-api-key": key }).get("/api/runs")).status).toBe(200);
  });
});

describe(`API keys on ${dbKind}`, () => {
  async function teamWithAdmin() {
    const { client: owner } = await signedUp();
    const invite = await owner.post("/api/team/invites", { role: "admin" });
    const admin = from(address());
    await admin.signUp({ invite: invite.json.invite.token });
    const adminUserId = (await admin.get("/api/auth/me")).json.user.id as string;
    const members = (await owner.get("/api/team/members")).json.members as {
      id: string;
      user: { id: string };
    }[];
    const adminMembership = members.find((m) => m.user.id === adminUserId)!.id;
    return { owner, admin, adminMembership };
  }

  it("caps a key's role by its creator's current role, and refuses it once the creator left", async () => {
    const { owner, admin, adminMembership } = await teamWithAdmin();
    const created = await admin.post("/api/keys", { name: "admin's", role: "admin" });
    expect(created.status).toBe(201);
    const key = from(address(), { "x-api-key": created.json.key });
    // A key minted by that key answers to the same person.
    const child = await key.post("/api/keys", { name: "child", role: "admin" });
    expect(child.status).toBe(201);
    const childKey = from(address(), { "x-api-key": child.json.key });
    expect((await key.get("/api/keys")).status).toBe(200);
    expect((await childKey.get("/api/keys")).status).toBe(200);

    await owner.patch(`/api/team/members/${adminMembership}`, { role: "member" });
    expect((await key.get("/api/auth/me")).json.role).toBe("member");
    expect((await key.get("/api/keys")).status).toBe(403);
    expect((await childKey.get("/api/keys")).status).toBe(403);
    expect((await key.get("/api/runs")).status).toBe(200);

    expect((await owner.delete(`/api/team/members/${adminMembership}`)).status).toBe(204);
    const refused = await key.get("/api/runs");
    expect(refused.status).toBe(401);
    expect(refused.json.error.message).toMatch(/no longer a member/);
    expect((await childKey.get("/api/runs")).status).toBe(401);
  });

  it("refuses a key after its expiry, and refuses an expiry in the past", async () => {
    const { client } = await signedUp();
    const past = await client.post("/api/keys", {
      name: "old",
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(past.status).toBe(422);
    expect(past.json.error.field).toBe("expiresAt");

    const expiresAt = new Date(Date.now() + 1500);
    const created = await client.post("/api/keys", {
      name: "brief",
      expiresAt: expiresAt.toISOString(),
    });
    expect(created.status).toBe(201);
    expect(created.json.apiKey.expiresAt).toBe(expiresAt.toISOString());
    const key = from(address(), { "x-api-key": created.json.key });
    expect((await key.get("/api/runs")).status).toBe(200);
    await new Promise((r) => setTimeout(r, expiresAt.getTime() - Date.now() + 50));
    const expired = await key.get("/api/runs");
    expect(expired.status).toBe(401);
    expect(expired.json.error.message).toMatch(/expired/);
  });

  it("sends the one-time key with Cache-Control: no-store", async () => {
    const { client } = await signedUp();
    const created = await client.post("/api/keys", { name: "once" });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
  });

  it("closes an open run-event stream when its key is revoked", async () => {
    const { client } = await signedUp();
    const created = await client.post("/api/keys", { name: "streamer" });
    // A run that stays running long enough to hold the stream open.
    const run = await client.post("/api/runs", {
      task: "[[sim:hang]] wait",
      agents: ["reviewer"],
    });
    expect(run.status).toBe(201);
    const controller = new AbortController();
    const response = await fetch(`${app.url}/api/runs/${run.json.id}/events`, {
      headers: { "x-api-key": created.json.key, "x-forwarded-for": address() },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read(); // ": connected"

    expect((await client.delete(`/api/keys/${created.json.apiKey.id}`)).status).toBe(204);

    let ended = false;
    for (let i = 0; i < 1000 && !ended; i++) ended = (await reader.read()).done;
    expect(ended).toBe(true);
    controller.abort();
    await client.post(`/api/runs/${run.json.id}/cancel`);
  });
});

describe(`passwords and sessions on ${dbKind}`, () => {
  it("refuses a common password with a 422 on the password field that says why", async () => {
    const res = await from(address()).post("/api/auth/sign-up", {
      email: `weak-${randomBytes(4).toString("hex")}@example.test`,
      name: "Weak",
      password: "password",
    });
    expect(res.status).toBe(422);
    expect(res.json.error.field).toBe("password");
    expect(res.json.error.message).toMatch(/commonly used|heavily used|easy to guess/i);
  });

  it("refuses a password built from the person's own email", async () => {
    const local = `zebrafish${randomBytes(3).toString("hex")}`;
    const res = await from(address()).post("/api/auth/sign-up", {
      email: `${local}@example.test`,
      name: "Zeb",
      password: `${local}`,
    });
    expect(res.status).toBe(422);
    expect(res.json.error.field).toBe("password");
  });

  it("rehashes an old, cheaper password hash at the next sign-in", async () => {
    const { account } = await signedUp();
    const salt = randomBytes(16);
    const legacy = [
      "scrypt",
      2 ** 15,
      8,
      1,
      salt.toString("base64"),
      scryptSync(PASSWORD, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 2 ** 20 }).toString(
        "base64",
      ),
    ].join("$");
    await prisma().user.update({ where: { id: account.user.id }, data: { passwordHash: legacy } });

    const res = await from(address()).post("/api/auth/sign-in", {
      email: account.user.email,
      password: PASSWORD,
    });
    expect(res.status).toBe(200);
    const { passwordHash } = await prisma().user.findUniqueOrThrow({
      where: { id: account.user.id },
    });
    expect(passwordHash).not.toBe(legacy);
    expect(passwordHash.split("$")[1]).toBe(String(2 ** 14)); // the configured cost (test harness)
    const again = await from(address()).post("/api/auth/sign-in", {
      email: account.user.email,
      password: PASSWORD,
    });
    expect(again.status).toBe(200);
  });

  it("signs out everywhere with ?all=1: every session of the user stops working", async () => {
    const { client: first, account } = await signedUp();
    const second = from(address());
    await second.post("/api/auth/sign-in", { email: account.user.email, password: PASSWORD });
    expect((await second.get("/api/auth/me")).status).toBe(200);

    const out = await first.post("/api/auth/sign-out?all=1");
    expect(out.status).toBe(204);
    expect((await second.get("/api/auth/me")).status).toBe(401);
    expect(await prisma().session.count({ where: { userId: account.user.id } })).toBe(0);
  });

  it("purges expired sessions when anyone signs in", async () => {
    const { account } = await signedUp();
    await prisma().session.updateMany({
      where: { userId: account.user.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const other = await signedUp();
    await from(address()).post("/api/auth/sign-in", {
      email: other.account.user.email,
      password: PASSWORD,
    });
    let left = 1;
    for (let i = 0; i < 50 && left > 0; i++) {
      left = await prisma().session.count({ where: { userId: account.user.id } });
      if (left > 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(left).toBe(0);
  });
});
