/**
 * The gateway's request log on a real database (PGlite, or Postgres with DATABASE_URL): batched
 * writes, and a poisoned row — one the database refuses — isolated and dropped without holding
 * back the rows queued after it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/lib/db";
import { type GatewayRequestRow, createRequestLog } from "@/lib/gateway/request-log";
import { createTestDatabase, dbKind } from "../../helpers/db";
import type { Logger } from "@/lib/log";
import { seedTeams } from "../cache/helpers";

let db: Database;

/** A logger that keeps its warnings for the test to read. */
function quietLogger(warnings: string[] = []): Logger {
  const log: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message) => void warnings.push(message),
    error: () => {},
    child: () => log,
  };
  return log;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await seedTeams(db.prisma, "team_log");
});
afterAll(async () => db?.close());

const row = (overrides: Partial<GatewayRequestRow> = {}): GatewayRequestRow => ({
  teamId: "team_log",
  apiKeyId: null,
  requestId: `req_${Math.random().toString(36).slice(2, 12)}`,
  path: "/v1/messages",
  model: "claude-sim",
  stream: false,
  status: 200,
  latencyMs: 3,
  inputTokens: 10,
  outputTokens: 5,
  createdAt: new Date(),
  ...overrides,
});

describe(`the request log on ${dbKind}`, () => {
  it("isolates poisoned rows (a NUL byte, a deleted team), drops only them, and writes every row after them", async () => {
    const warnings: string[] = [];
    const log = createRequestLog({
      db,
      log: quietLogger(warnings),
      flushMs: 60_000,
    });
    for (let i = 0; i < 20; i++) log.write(row({ model: `before-${i}` }));
    log.write(row({ model: "poison-nul", cacheStatus: "miss\u0000" }));
    log.write(row({ model: "poison-team", teamId: "team_deleted_meanwhile" }));
    for (let i = 0; i < 20; i++) log.write(row({ model: `after-${i}` }));
    await log.flush();

    const models = (await db.prisma.gatewayRequest.findMany({ select: { model: true } })).map(
      (r) => r.model,
    );
    expect(models).toHaveLength(40);
    expect(models).toContain("after-19");
    expect(models).not.toContain("poison-nul");
    expect(log.stats()).toEqual({ written: 40, dropped: 2, pending: 0 });
    expect(warnings.filter((w) => w.includes("dropped a row"))).toHaveLength(2);

    // The log keeps going afterwards.
    log.write(row({ model: "later" }));
    await log.close();
    expect(await db.prisma.gatewayRequest.count({ where: { model: "later" } })).toBe(1);
  });

  it("keeps a row whose model carries a NUL (the client's text), with the NUL replaced", async () => {
    const log = createRequestLog({ db, log: quietLogger() });
    const createdAt = new Date("2026-03-29T01:30:05.123Z");
    log.write(
      row({ model: "claude\u0000sim", status: 400, errorType: "invalid_request_error", createdAt }),
    );
    await log.close();
    const kept = await db.prisma.gatewayRequest.findFirst({ where: { status: 400 } });
    expect(kept?.model).toBe("claude\uFFFDsim");
    expect(kept?.errorType).toBe("invalid_request_error");
    // Written as epoch ms in raw SQL, read back through Prisma: the same instant, to the ms.
    expect(kept?.createdAt.toISOString()).toBe(createdAt.toISOString());
  });
});
