/**
 * Issue 10: the stored request of a cache row (what warming replays upstream) was not covered by
 * the row's HMAC. Now it is: an edited request makes the row tampered — deleted and counted,
 * never served or warmed. A row signed before (v1, response only) is still served, never warmed.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canonicalJson } from "@/lib/cache/cache-key";
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
  const key = await owner.post("/api/keys", { name: "sig", role: "admin" });
  gateway = new ApiClient(app.url, { "x-api-key": key.json.key });
});
afterAll(async () => app?.close());

const prisma = () => app.runtime.db.prisma;
const upstreamRequests = () => app.runtime.providerHandle.simulator!.stats().requests;
const ask = (content: string) =>
  gateway.post("/api/anthropic/v1/messages", {
    model: SAMPLING_MODEL,
    max_tokens: 64,
    temperature: 0,
    messages: [{ role: "user", content }],
  });

async function cachedRow(content: string) {
  const res = await ask(content);
  expect(res.headers.get("x-ensemble-cache")).toBe("miss");
  await app.runtime.cacheServices.cache.idle();
  const rows = await prisma().cacheEntry.findMany({ where: { teamId } });
  return rows.find((r) => JSON.stringify(r.request).includes(content))!;
}

async function warmTop() {
  const res = await owner.post("/api/cache/warm", { topN: 50 });
  expect(res.status).toBe(202);
  return res.json.job as { id: string; total: number };
}

async function tamperedCount() {
  const stats = await owner.get("/api/cache/stats?range=24h");
  return stats.json.totals.tampered as number;
}

describe(`the stored request is signed on ${dbKind}`, () => {
  it("never warms an edited request: the row is deleted and counted as tampered", async () => {
    const row = await cachedRow("sig-edited");
    const edited = await prisma().$executeRawUnsafe(
      `UPDATE "CacheEntry" SET "request" = jsonb_set("request"::jsonb, '{messages,0,content}', '"injected prompt"') WHERE "key" = $1`,
      row.key,
    );
    expect(edited).toBe(1);
    const before = upstreamRequests();
    const tampered = await tamperedCount();

    const job = await warmTop();
    expect(job.total).toBe(0);
    expect(upstreamRequests()).toBe(before);
    expect(await prisma().cacheEntry.findUnique({ where: { key: row.key } })).toBeNull();
    expect(await tamperedCount()).toBe(tampered + 1);
  });

  it("still serves a row signed before requests were, but does not warm it", async () => {
    const row = await cachedRow("sig-legacy");
    const { secret } = app.runtime.cacheServices.keys;
    const legacy = createHmac("sha256", secret)
      .update(canonicalJson(["ensemble-cache-entry-v1", row.key, teamId, row.model, row.response]))
      .digest("hex");
    await prisma().cacheEntry.update({ where: { key: row.key }, data: { hmac: legacy } });
    app.runtime.cacheServices.cache.purge({ teamId });

    expect((await warmTop()).total).toBe(0);
    expect(await prisma().cacheEntry.findUnique({ where: { key: row.key } })).not.toBeNull();
    const hit = await ask("sig-legacy");
    expect(hit.headers.get("x-ensemble-cache")).toBe("hit-db");
  });

  it("warms a row whose request is intact", async () => {
    await cachedRow("sig-intact");
    const before = upstreamRequests();
    const job = await warmTop();
    expect(job.total).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 400; i++) {
      const state = await owner.get(`/api/cache/warm/${job.id}`);
      if (state.json.job.status === "done") break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(upstreamRequests()).toBeGreaterThan(before);
  });
});
