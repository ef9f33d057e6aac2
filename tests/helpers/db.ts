/**
 * Databases for integration tests: an in-memory PGlite by default, or a fresh database on the
 * Postgres server named by DATABASE_URL, dropped afterwards. Both go through the app's own
 * openDatabase(), so the migrations under test are the real ones.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Database, openDatabase } from "@/lib/db/open-database";

export const serverUrl = process.env.DATABASE_URL;
export const dbKind = serverUrl ? "postgres" : "pglite";

/** Creates an empty database on the server and returns its URL, with a function that drops it. */
export async function createServerDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!serverUrl) throw new Error("createServerDatabase needs DATABASE_URL");
  const name = `ensemble_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A migrated database of the kind this test run targets. close() also drops a server database. */
export async function createTestDatabase(
  options: { migrationsDir?: string } = {},
): Promise<Database> {
  if (!serverUrl) return openDatabase({ pgliteDir: "memory://", ...options });
  const server = await createServerDatabase();
  const db = await openDatabase({ databaseUrl: server.url, ...options });
  return {
    ...db,
    close: async () => {
      await db.close();
      await server.drop();
    },
  };
}
