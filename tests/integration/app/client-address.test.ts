/**
 * Issue 10, finding 3, on the default TRUST_PROXY_HOPS=0: the server stamps each request with
 * its socket's address (lib/http/peer-stamp.ts, installed here as instrumentation.ts installs it
 * under Next), and nothing the client writes in X-Forwarded-* changes who it is, which host it
 * addressed, or whether it used HTTPS. Tests run in order: all share one socket address.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installPeerStamp } from "@/lib/http/peer-stamp";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const SIGN_IN_LIMIT = 6;
let app: AppServer;

beforeAll(async () => {
  installPeerStamp();
  app = await startAppServer({ RATE_LIMIT_SIGN_IN_PER_MINUTE: String(SIGN_IN_LIMIT) });
});
afterAll(async () => app?.close());

const SPOOF = { "x-forwarded-proto": "https", "x-forwarded-host": "evil.example" };

describe(`forwarding headers from an untrusted client on ${dbKind}`, () => {
  it("believes neither X-Forwarded-Proto (cookie, links) nor X-Forwarded-Host (CSRF, links)", async () => {
    const api = new ApiClient(app.url);
    const signUp = await api.request(
      "POST",
      "/api/auth/sign-up",
      {
        email: `spoof-${Math.random().toString(36).slice(2, 8)}@example.test`,
        name: "Spoof",
        password: "correct horse battery",
      },
      SPOOF,
    );
    expect(signUp.status).toBe(201);
    expect(signUp.headers.getSetCookie().join(";").toLowerCase()).not.toContain("secure");

    // A cross-site write cannot pass the Origin check by naming its own host as forwarded.
    const csrf = await api.request(
      "POST",
      "/api/agents",
      { name: "csrf", model: "claude-sonnet-5-5" },
      { origin: "https://evil.example", ...SPOOF },
    );
    expect(csrf.status).toBe(403);

    const invite = await api.request("POST", "/api/team/invites", { role: "member" }, SPOOF);
    expect(invite.status).toBe(201);
    expect(invite.json.invite.url.startsWith(`${app.url}/sign-up?invite=`)).toBe(true);
  });

  it("counts sign-ins by the socket's address, whatever X-Forwarded-For says", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < SIGN_IN_LIMIT + 3; i++) {
      const res = await new ApiClient(app.url, {
        "x-forwarded-for": `203.0.113.${i + 1}`,
        "x-real-ip": `203.0.113.${i + 1}`,
      }).post("/api/auth/sign-in", {
        email: `nobody-${i}@example.test`,
        password: "wrong password here",
      });
      statuses.push(res.status);
    }
    // Were X-Forwarded-For believed, each attempt would be a new client and all nine would get
    // 401; counted by the socket, at most the limit gets through and the rest are refused.
    // Only bounds: the sign-up above counts too, but only while its minute is weighed (the
    // sliding window takes a fraction of the previous minute, so across a minute boundary it may
    // not), and on a shared Redis other files' sign-ins from 127.0.0.1 count as well.
    expect(statuses.filter((s) => s === 401).length, String(statuses)).toBeLessThanOrEqual(
      SIGN_IN_LIMIT,
    );
    expect(statuses.filter((s) => s === 429).length, String(statuses)).toBeGreaterThanOrEqual(3);
  });
});
