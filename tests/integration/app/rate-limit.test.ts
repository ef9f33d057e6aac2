/**
 * Sign-in and API rate limits through the real route handlers, on the in-process store always
 * and, when REDIS_URL is configured (CI's second pass), on real Redis too. Each store gets its own
 * app server: the limiters and configuration are built once per module graph, so the modules are
 * reset in between.
 */
import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

/** Read before any server overwrites process.env. */
const CONFIGURED_REDIS_URL = process.env.REDIS_URL;
const SIGN_IN_LIMIT = 3;
const API_LIMIT = 5;

const STORES: { name: string; redisUrl: string }[] = [
  { name: "in-process memory", redisUrl: "" },
  ...(CONFIGURED_REDIS_URL
    ? [{ name: `Redis at ${new URL(CONFIGURED_REDIS_URL).host}`, redisUrl: CONFIGURED_REDIS_URL }]
    : []),
];

/**
 * A fresh address per test: Redis counters outlive the app server, so a rerun within the minute
 * must not find the last run's attempts.
 */
const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/**
 * Both stores use a sliding window over epoch-aligned one-minute windows: just after a boundary
 * the previous window's count is weighted down (and floored), so a sequence of attempts that
 * straddles one sees a count of, say, 0 instead of 1. Start each counted sequence well clear of it.
 */
async function clearOfWindowEdge(needMs = 8_000) {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < needMs) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

function expectLimitHeaders(
  headers: Headers,
  { limit, remaining }: { limit: number; remaining?: number },
) {
  expect(headers.get("x-ratelimit-limit")).toBe(String(limit));
  if (remaining !== undefined) expect(headers.get("x-ratelimit-remaining")).toBe(String(remaining));
  const reset = Number(headers.get("x-ratelimit-reset"));
  const now = Date.now() / 1000;
  // Epoch seconds, within the one-minute window.
  expect(reset).toBeGreaterThanOrEqual(Math.floor(now));
  expect(reset).toBeLessThanOrEqual(Math.ceil(now) + 61);
}

function expectDenied(res: Awaited<ReturnType<ApiClient["request"]>>, limit: number) {
  expect(res.status).toBe(429);
  expect(res.json.error.code).toBe("rate_limited");
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expectLimitHeaders(res.headers, { limit, remaining: 0 });
}

for (const store of STORES) {
  describe(`rate limits on the ${store.name} store (${dbKind})`, () => {
    let app: AppServer;
    let owner: ApiClient;
    let email: string;

    beforeAll(async () => {
      // Config and limiters are per module graph: a second server in this file needs fresh ones.
      vi.resetModules();
      app = await startAppServer({
        RATE_LIMIT_SIGN_IN_PER_MINUTE: String(SIGN_IN_LIMIT),
        RATE_LIMIT_API_PER_MINUTE: String(API_LIMIT),
        REDIS_URL: store.redisUrl,
        // The tests speak from many addresses, as a trusted proxy in front would report them.
        TRUST_PROXY_HOPS: "1",
      });
      // The store under test really is the one named in the describe.
      const { getConfig, describeDeployment } = await import("@/lib/config");
      expect(describeDeployment(getConfig()).store).toBe(store.redisUrl ? "redis" : "memory");
      owner = new ApiClient(app.url, { "x-forwarded-for": freshIp() });
      email = (await owner.signUp()).user.email;
    });
    afterAll(async () => app?.close());

    it("refuses the fourth sign-in attempt from one address with 429, Retry-After and X-RateLimit headers", async () => {
      const ip = freshIp();
      const attempt = (password: string) =>
        new ApiClient(app.url, { "x-forwarded-for": ip }).post("/api/auth/sign-in", {
          email,
          password,
        });

      await clearOfWindowEdge();
      for (let i = 0; i < SIGN_IN_LIMIT; i++) {
        const res = await attempt("wrong password");
        expect(res.status).toBe(401);
        expectLimitHeaders(res.headers, { limit: SIGN_IN_LIMIT, remaining: SIGN_IN_LIMIT - 1 - i });
        expect(res.headers.get("retry-after")).toBeNull();
      }
      // Even the right password is refused now: guessing cannot continue.
      const fourth = await attempt("correct horse battery");
      expectDenied(fourth, SIGN_IN_LIMIT);
      expect(fourth.headers.getSetCookie()).toEqual([]);

      // The limit is per address and per account *and* address together: failures elsewhere
      // never lock the account's owner out (issue 10) …
      const sameAccount = await new ApiClient(app.url, { "x-forwarded-for": freshIp() }).post(
        "/api/auth/sign-in",
        { email, password: "correct horse battery" },
      );
      expect(sameAccount.status).toBe(200);

      // … while someone else, elsewhere, signs in.
      const other = await new ApiClient(app.url, { "x-forwarded-for": freshIp() }).signUp();
      const elsewhere = await new ApiClient(app.url, { "x-forwarded-for": freshIp() }).post(
        "/api/auth/sign-in",
        { email: other.user.email, password: "correct horse battery" },
      );
      expect(elsewhere.status).toBe(200);
    });

    it("limits API calls per key, with counting headers, while another key still passes", async () => {
      const first = await owner.post("/api/keys", { name: "busy", role: "member" });
      const second = await owner.post("/api/keys", { name: "quiet", role: "member" });
      const busy = new ApiClient(app.url, { authorization: `Bearer ${first.json.key}` });
      const quiet = new ApiClient(app.url, { "x-api-key": second.json.key });

      await clearOfWindowEdge();
      for (let i = 0; i < API_LIMIT; i++) {
        const res = await busy.get("/api/agents");
        expect(res.status).toBe(200);
        expectLimitHeaders(res.headers, { limit: API_LIMIT, remaining: API_LIMIT - 1 - i });
      }
      const over = await busy.get("/api/agents");
      expectDenied(over, API_LIMIT);
      // Denied before the handler ran: no data in the body.
      expect(over.json.agents).toBeUndefined();

      const other = await quiet.get("/api/agents");
      expect(other.status).toBe(200);
      expectLimitHeaders(other.headers, { limit: API_LIMIT, remaining: API_LIMIT - 1 });
    });

    it("counts all of a key's calls across routes against one limit, bad requests included", async () => {
      const created = await owner.post("/api/keys", { name: "spread", role: "member" });
      const key = new ApiClient(app.url, { "x-api-key": created.json.key });
      await clearOfWindowEdge();
      const routes = ["/api/agents", "/api/runs", "/api/models", "/api/runs/stats", "/api/auth/me"];
      for (const route of routes) expect((await key.get(route)).status).toBe(200);

      expectDenied(await key.get("/api/team/members"), API_LIMIT);
      // A bad request still counts, and is refused as rate limited rather than validated.
      expect((await key.get("/api/runs?limit=junk")).status).toBe(429);
    });
  });
}
