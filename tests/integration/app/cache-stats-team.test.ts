/**
 * Issue 13, broken item 7: the cache page showed the process's whole memory tier (L1), so a new
 * team saw other teams' entries and bytes. Now GET /api/cache/stats reports only the caller's own
 * share of L1, against its per-team quota.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

/** A model that still takes `temperature` (Opus 4.7 and later refuse it): 0 opts in to the cache. */
const SAMPLING_MODEL = "claude-sonnet-4-6";

let app: AppServer;
let teamA: ApiClient;
let gatewayA: ApiClient;
let teamB: ApiClient;

beforeAll(async () => {
  app = await startAppServer();
  teamA = new ApiClient(app.url);
  await teamA.signUp();
  const key = await teamA.post("/api/keys", { name: "fill", role: "admin" });
  gatewayA = new ApiClient(app.url, { "x-api-key": key.json.key });
  teamB = new ApiClient(app.url);
  await teamB.signUp();
});
afterAll(async () => app?.close());

type Memory = { entries: number; bytes: number; maxBytes: number };
const memoryOf = async (client: ApiClient) =>
  (await client.get("/api/cache/stats?range=24h")).json.memory as Memory;

describe(`the cache page's memory figures on ${dbKind}`, () => {
  it("show a team only its own L1 entries and bytes, against its own quota", async () => {
    const before = await memoryOf(teamB);
    expect(before.entries).toBe(0);
    expect(before.bytes).toBe(0);

    for (const content of ["l1-a", "l1-b", "l1-c"]) {
      const res = await gatewayA.post("/api/anthropic/v1/messages", {
        model: SAMPLING_MODEL,
        max_tokens: 64,
        temperature: 0,
        messages: [{ role: "user", content }],
      });
      expect(res.status).toBe(200);
    }
    await app.runtime.cacheServices.cache.idle();

    const a = await memoryOf(teamA);
    expect(a.entries).toBe(3);
    expect(a.bytes).toBeGreaterThan(0);
    expect(await memoryOf(teamB)).toEqual(before);
    // The bar's limit is the team's share of L1, not the whole process's.
    expect(a.maxBytes).toBe(app.runtime.cacheServices.l1.teamMaxBytes);
  });
});
