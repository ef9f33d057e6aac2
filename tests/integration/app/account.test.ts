/**
 * Issue 13, "Account": change one's name and password, sign out everywhere; each audited, and a
 * password change signs out the person's other sessions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

let app: AppServer;
beforeAll(async () => {
  app = await startAppServer();
});
afterAll(async () => app?.close());

const auditActions = async (client: ApiClient) =>
  ((await client.get("/api/audit")).json.events as { action: string }[]).map((e) => e.action);

describe(`the account on ${dbKind}`, () => {
  it("renames the signed-in person, refusing an empty name", async () => {
    const me = new ApiClient(app.url);
    await me.signUp();
    const renamed = await me.patch("/api/auth/me", { name: "  Ada Lovelace " });
    expect(renamed.status).toBe(200);
    expect(renamed.json.user.name).toBe("Ada Lovelace");
    expect((await me.get("/api/auth/me")).json.user.name).toBe("Ada Lovelace");
    const empty = await me.patch("/api/auth/me", { name: " " });
    expect([empty.status, empty.json.error.field]).toEqual([422, "name"]);
    expect(await auditActions(me)).toContain("account.rename");
  });

  it("changes the password only with the current one, and signs out the other sessions", async () => {
    const laptop = new ApiClient(app.url);
    const account = await laptop.signUp();
    const phone = new ApiClient(app.url);
    const signIn = await phone.post("/api/auth/sign-in", {
      email: account.user.email,
      password: "correct horse battery",
    });
    expect(signIn.status).toBe(200);

    const wrong = await laptop.post("/api/auth/password", {
      currentPassword: "not my password",
      newPassword: "violet lantern harbour quietly",
    });
    expect([wrong.status, wrong.json.error.field]).toEqual([422, "currentPassword"]);
    const weak = await laptop.post("/api/auth/password", {
      currentPassword: "correct horse battery",
      newPassword: "password1",
    });
    expect([weak.status, weak.json.error.field]).toEqual([422, "newPassword"]);

    const changed = await laptop.post("/api/auth/password", {
      currentPassword: "correct horse battery",
      newPassword: "violet lantern harbour quietly",
    });
    expect(changed.status).toBe(200);
    expect(changed.json.revokedSessions).toBe(1);
    expect((await laptop.get("/api/auth/me")).status).toBe(200);
    expect((await phone.get("/api/auth/me")).status).toBe(401);

    const again = new ApiClient(app.url);
    const old = { email: account.user.email, password: "correct horse battery" };
    expect((await again.post("/api/auth/sign-in", old)).status).toBe(401);
    const fresh = { email: account.user.email, password: "violet lantern harbour quietly" };
    expect((await again.post("/api/auth/sign-in", fresh)).status).toBe(200);
    expect(await auditActions(laptop)).toContain("account.password-change");
  });

  it("signs out everywhere: every session of the person is revoked", async () => {
    const one = new ApiClient(app.url);
    const account = await one.signUp();
    const two = new ApiClient(app.url);
    await two.post("/api/auth/sign-in", {
      email: account.user.email,
      password: "correct horse battery",
    });
    expect((await one.post("/api/auth/sign-out?all=1")).status).toBe(204);
    expect((await one.get("/api/auth/me")).status).toBe(401);
    expect((await two.get("/api/auth/me")).status).toBe(401);
  });
});
