/** Two instances never sweep at once: while one holds the sweep's advisory lock, another skips. */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/lib/db";
import { DEFAULT_RETENTION, sweepRetention } from "@/lib/retention";
import { createServerDatabase } from "../../helpers/db";
import { openDatabase } from "@/lib/db/open-database";

let server: { url: string; drop: () => Promise<void> };
let db: Database;

beforeAll(async () => {
  server = await createServerDatabase();
  db = await openDatabase({ databaseUrl: server.url });
});
afterAll(async () => {
  await db?.close();
  await server?.drop();
});

describe("retention sweeps across instances", () => {
  it("skips while another connection holds the sweep lock, and runs once it is released", async () => {
    const other = new pg.Client({ connectionString: server.url });
    await other.connect();
    try {
      await other.query("BEGIN");
      // The key sweepRetention uses ("ENSR").
      await other.query("SELECT pg_advisory_xact_lock($1)", [0x454e5352]);
      expect(await sweepRetention(db.prisma, DEFAULT_RETENTION)).toBeNull();
      await other.query("COMMIT");
      expect(await sweepRetention(db.prisma, DEFAULT_RETENTION)).not.toBeNull();
    } finally {
      await other.end();
    }
  });
});
