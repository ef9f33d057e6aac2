/**
 * Issue 13, broken item 4: after a restart, runs looked "running" for about a minute, until their
 * heartbeat went stale. An embedded database belongs to one process, so a run it holds as running
 * when the app starts died with the previous process: it is marked interrupted at start-up. On a
 * shared Postgres another instance may be running it, so only the stale heartbeat counts there.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/config";
import { createRuntime } from "@/lib/runtime/create-runtime";
import { createServerDatabase, dbKind, serverUrl } from "../helpers/db";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function environment() {
  const dataDir = await mkdtemp(path.join(tmpdir(), "ensemble-restart-"));
  const server = serverUrl ? await createServerDatabase() : undefined;
  if (server) closers.push(server.drop);
  return parseEnv({
    NODE_ENV: "test",
    DATA_DIR: dataDir,
    LOG_LEVEL: "error",
    ANTHROPIC_API_KEY: "",
    ...(server
      ? {
          DATABASE_URL: server.url,
          CACHE_HMAC_SECRET: "3f9a1c7e5b2d8046a1e9c3b7d5f20846c1a3e5b7d9f1024638ace0b2d4f6a8c1",
        }
      : {}),
  });
}

describe(`a run left running by the previous process, on ${dbKind}`, () => {
  it("is interrupted at start-up on the embedded database, and left to its heartbeat on Postgres", async () => {
    const env = await environment();
    const first = await createRuntime(env);
    const team = await first.db.prisma.team.create({ data: { name: "Restarted" } });
    const run = await first.db.prisma.run.create({
      data: {
        teamId: team.id,
        mode: "parallel",
        task: "x",
        status: "running",
        heartbeatAt: new Date(),
        steps: { create: [{ key: "step-1", position: 0, agentName: "a", agentSnapshot: {} }] },
      },
    });
    await first.close();

    const second = await createRuntime(env);
    closers.push(() => second.close());
    const after = await second.db.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.status).toBe(dbKind === "pglite" ? "interrupted" : "running");
  });
});
