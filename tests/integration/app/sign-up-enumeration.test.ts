/**
 * Issue 10: sign-up reveals existing emails. Sign-up signs the new user in and there is no email
 * delivery, so whoever registers an address learns whether it was free: the oracle cannot be
 * removed from open sign-up, only closed off and made expensive. So:
 * - SIGN_UP=invite (for shared instances) refuses sign-up without an invite before any lookup:
 *   an outsider learns nothing (the first account of an empty instance may still sign up);
 * - the invite is checked before the email, so a bad invite answers alike for taken and free ones;
 * - a taken email counts as a failed authentication for the address, on top of the per-address
 *   sign-up limit: probing emails is throttled with the same budget as guessing keys.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const AUTH_FAILURE_LIMIT = 3;
const PASSWORD = "correct horse battery";
let nextAddress = 1;
const address = () => `203.0.113.${nextAddress++}`;
const unique = () => `probe-${Math.random().toString(36).slice(2, 10)}@example.test`;

function server(env: Record<string, string>) {
  let app: AppServer;
  beforeAll(async () => {
    app = await startAppServer({
      TRUST_PROXY_HOPS: "1",
      RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURE_LIMIT),
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

describe(`open sign-up on ${dbKind}`, () => {
  const s = server({});

  it("answers a bad invite alike whether or not the email is taken", async () => {
    const taken = (await s.from(address()).signUp()).user.email;
    const bad = { invite: "not-a-real-invite-token-0123456789" };
    const forTaken = await s.from(address()).post("/api/auth/sign-up", signUpBody(taken, bad));
    const forFree = await s.from(address()).post("/api/auth/sign-up", signUpBody(unique(), bad));
    expect(forTaken.status).toBe(forFree.status);
    expect(forTaken.json).toEqual(forFree.json);
    expect(forFree.json.error.field).toBe("invite");
  });

  it("counts taken emails against the address: after the limit it gets 429, even for a free email", async () => {
    const taken = (await s.from(address()).signUp()).user.email;
    const prober = s.from(address());
    // At least the limit's worth of 409s, then 429. One more 409 is allowed: the Redis store's
    // sliding window weighs the previous minute with a floor, so probes that straddle a minute
    // boundary may get one extra.
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_FAILURE_LIMIT + 2 && statuses.at(-1) !== 429; i++) {
      statuses.push((await prober.post("/api/auth/sign-up", signUpBody(taken))).status);
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((status) => status === 409)).toBe(true);
    expect(statuses.length - 1).toBeGreaterThanOrEqual(AUTH_FAILURE_LIMIT);
    const users = await s.users();
    const free = await prober.post("/api/auth/sign-up", signUpBody(unique()));
    expect(free.status).toBe(429);
    expect(await s.users()).toBe(users);
    // Other addresses, and the account's owner, are unaffected.
    expect((await s.from(address()).post("/api/auth/sign-up", signUpBody(unique()))).status).toBe(
      201,
    );
    const owner = await s.from(address()).post("/api/auth/sign-in", {
      email: taken,
      password: PASSWORD,
    });
    expect(owner.status).toBe(200);
  });
});
