/**
 * Issue 13, broken item 1: a deployment names its public origin with APP_URL, so invite links
 * point at it whatever host the request came through (a proxy, a container's own name), and a
 * page served from that origin may write with its cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installPeerStamp } from "@/lib/http/peer-stamp";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { dbKind } from "../../helpers/db";

const PUBLIC = "https://ensemble.example.com";
let app: AppServer;

beforeAll(async () => {
  installPeerStamp();
  app = await startAppServer({ APP_URL: `${PUBLIC}/` });
});
afterAll(async () => app?.close());

describe(`APP_URL on ${dbKind}`, () => {
  it("builds invite links on the configured origin, not the host the request used", async () => {
    const owner = new ApiClient(app.url);
    await owner.signUp();
    const invite = await owner.post("/api/team/invites", { role: "member" });
    expect(invite.status).toBe(201);
    expect(invite.json.invite.url).toBe(
      `${PUBLIC}/sign-up?invite=${encodeURIComponent(invite.json.invite.token)}`,
    );
  });

  it("accepts cookie writes from the configured origin and still refuses other sites", async () => {
    const owner = new ApiClient(app.url);
    await owner.signUp();
    const agent = { name: `from-public-${Date.now()}`, model: "claude-sonnet-5-5" };
    const ours = await owner.request("POST", "/api/agents", agent, { origin: PUBLIC });
    expect(ours.status).toBe(201);
    const evil = await owner.request("POST", "/api/agents", agent, {
      origin: "https://evil.example",
    });
    expect(evil.status).toBe(403);
  });
});
