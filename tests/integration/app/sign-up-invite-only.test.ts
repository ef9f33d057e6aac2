/**
 * Issue 10: sign-up reveals existing emails (sign-up-enumeration.test.ts explains the choice).
 * With SIGN_UP=invite, the setting for shared instances, an outsider learns nothing: sign-up
 * without an invite is refused before any lookup, taken email or free. (A file of its own: the
 * configuration is read once per process.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const PASSWORD = "correct horse battery";
let nextAddress = 1;
const address = () => `203.0.113.${nextAddress++}`;
const unique = () => `probe-${Math.random().toString(36).slice(2, 10)}@example.test`;

function server(env: Record<string, string>) {
  let app: AppServer;
  beforeAll(async () => {
    app = await startAppServer({
      TRUST_PROXY_HOPS: "1",
      ...env,
    });
  });
  afterAll(async () => app?.close());
  return {
    from: (ip: string) => new ApiClient(app.url, { "x-forwarded-for": ip }),
    users: () => app.runtime.db.prisma.user.count(),
  };
}

const signUpBody = (email: string, extra: Record<string, unknown> = {}) => ({
  email,
  name: "Probe",
  password: PASSWORD,
  ...extra,
});

describe(`invite-only sign-up (SIGN_UP=invite) on ${dbKind}`, () => {
  const s = server({ SIGN_UP: "invite" });

  it("lets the first account of an empty instance sign up, then only invite holders", async () => {
    const first = s.from(address());
    const account = await first.signUp();
    expect(account.role).toBe("owner");

    // Taken or free, an outsider gets the same refusal, and nothing is created.
    const users = await s.users();
    const taken = await s.from(address()).post("/api/auth/sign-up", signUpBody(account.user.email));
    const free = await s.from(address()).post("/api/auth/sign-up", signUpBody(unique()));
    expect(taken.status).toBe(403);
    expect(taken.json).toEqual(free.json);
    expect(await s.users()).toBe(users);

    const invite = await first.post("/api/team/invites", { role: "member" });
    const joined = await s
      .from(address())
      .post("/api/auth/sign-up", signUpBody(unique(), { invite: invite.json.invite.token }));
    expect(joined.status).toBe(201);
    expect(joined.json.team.id).toBe(account.team.id);
  });
});
