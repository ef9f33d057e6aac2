/**
 * Issue 13, broken item 8: warming reset the warmed entries' hit counts to 0 and counted each
 * fill as a miss. A warm fill is not a user's lookup: it moves no hit/miss statistic, and the
 * entry keeps the hits it earned.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

/** A model that still takes `temperature` (Opus 4.7 and later refuse it): 0 opts in to the cache. */
const SAMPLING_MODEL = "claude-sonnet-4-6";

let app: AppServer;
let owner: ApiClient;
let gateway: ApiClient;
let teamId: string;

beforeAll(async () => {
  app = await startAppServer();
  owner = new ApiClient(app.url);
  teamId = (await owner.signUp()).team.id;
  const key = await owner.post("/api/keys", { name: "warm", role: "admin" });
  gateway = new ApiClient(app.url, { "x-api-key": key.json.key });
});
afterAll(async () => app?.close());

const ask = (content: string) =>
  gateway.post("/api/anthropic/v1/messages", {
    model: SAMPLING_MODEL,
    max_tokens: 64,
    temperature: 0,
    messages: [{ role: "user", content }],
  });

async function counters() {
  const { totals } = (await owner.get("/api/cache/stats?range=24h")).json;
  return { hits: totals.hitsMemory + totals.hitsDb + totals.coalesced, misses: totals.misses };
}

async function warmAndWait(body: unknown) {
  const started = await owner.post("/api/cache/warm", body);
  expect(started.status).toBe(202);
  let job = started.json.job as { id: string; status: string; total: number; done: number };
  // Bounded by polls, not by the clock: the job ends after its few upstream calls.
  for (let i = 0; i < 500 && job.status !== "done"; i++) {
    await new Promise((r) => setTimeout(r, 20));
    job = (await owner.get(`/api/cache/warm/${job.id}`)).json.job;
  }
  expect(job.status).toBe("done");
  return job;
}

describe(`warming keeps the cache statistics honest on ${dbKind}`, () => {
  it("moves no hit or miss counter and keeps the warmed entries' hit counts", async () => {
    expect((await ask("warm-me")).headers.get("x-ensemble-cache")).toBe("miss");
    expect((await ask("warm-me")).headers.get("x-ensemble-cache")).toBe("hit-memory");
    expect((await ask("warm-me")).headers.get("x-ensemble-cache")).toBe("hit-memory");
    await app.runtime.cacheServices.cache.flushHits();
    await app.runtime.cacheServices.cache.idle();
    const row = () =>
      app.runtime.db.prisma.cacheEntry.findFirstOrThrow({
        where: { teamId },
        select: { hitCount: true },
      });
    expect((await row()).hitCount).toBe(2);
    const before = await counters();
    expect(before).toEqual({ hits: 2, misses: 1 });

    const job = await warmAndWait({ topN: 10 });
    expect(job).toMatchObject({ total: 1, done: 1 });
    await app.runtime.cacheServices.cache.idle();

    expect(await counters()).toEqual(before);
    expect((await row()).hitCount).toBe(2);
  });
});
