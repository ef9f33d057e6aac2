import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterEach, describe, expect, it } from "vitest";
import { MigrationError, migrate, readMigrationFiles } from "@/lib/db/migrate";
import { type SqlConnection, connectPostgres, wrapPGlite } from "@/lib/db/sql-connection";
import { createServerDatabase, dbKind, serverUrl } from "../helpers/db";

const MIGRATIONS = path.resolve("prisma/migrations");

/** A fresh, empty database of this run's kind, with a way to open more sessions on it. */
async function emptyDatabase() {
  if (!serverUrl) {
    const pglite = new PGlite();
    const conn = wrapPGlite(pglite);
    return {
      open: async (): Promise<SqlConnection> => conn,
      close: () => pglite.close(),
    };
  }
  const server = await createServerDatabase();
  const opened: SqlConnection[] = [];
  return {
    open: async () => {
      const conn = await connectPostgres(server.url);
      opened.push(conn);
      return conn;
    },
    close: async () => {
      await Promise.all(opened.map((c) => c.close()));
      await server.drop();
    },
  };
}

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

describe(`migrations on ${dbKind}`, () => {
  it("applies every committed migration to an empty database and records it as Prisma does", async () => {
    const db = await emptyDatabase();
    cleanup = db.close;
    const files = await readMigrationFiles(MIGRATIONS);
    const conn = await db.open();

    const result = await migrate(conn, files);

    expect(result.applied).toEqual(files.map((f) => f.name));
    const rows = await conn.query<{
      migration_name: string;
      checksum: string;
      applied_steps_count: number;
    }>(
      `SELECT migration_name, checksum, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows).toEqual(
      files.map((f) => ({ migration_name: f.name, checksum: f.checksum, applied_steps_count: 1 })),
    );
    const tables = await conn.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        "Team",
        "Agent",
        "Run",
        "RunStep",
        "CacheEntry",
        "CacheStat",
        "ApiKey",
      ]),
    );
  });

  it("does nothing the second time", async () => {
    const db = await emptyDatabase();
    cleanup = db.close;
    const files = await readMigrationFiles(MIGRATIONS);
    const conn = await db.open();
    await migrate(conn, files);

    const again = await migrate(conn, files);

    expect(again.applied).toEqual([]);
    expect(again.total).toBe(files.length);
  });

  it("applies each migration once when two start-ups race", async () => {
    const db = await emptyDatabase();
    cleanup = db.close;
    const files = await readMigrationFiles(MIGRATIONS);
    const [a, b] = await Promise.all([db.open(), db.open()]);

    const results = await Promise.all([migrate(a, files), migrate(b, files)]);

    expect(results.flatMap((r) => r.applied).sort()).toEqual(files.map((f) => f.name).sort());
    expect(results.map((r) => r.total)).toEqual([files.length, files.length]);
    const [count] = await a.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "_prisma_migrations"`,
    );
    expect(count?.n).toBe(files.length);
  });

  it("refuses to start when an applied migration's file has changed", async () => {
    const db = await emptyDatabase();
    cleanup = db.close;
    const dir = await mkdtemp(path.join(tmpdir(), "ensemble-migrations-"));
    await cp(MIGRATIONS, dir, { recursive: true });
    const conn = await db.open();
    await migrate(conn, await readMigrationFiles(dir));

    const [first] = await readMigrationFiles(dir);
    const file = path.join(dir, first!.name, "migration.sql");
    await writeFile(file, `${await readFile(file, "utf8")}\n-- edited after it was applied\n`);

    await expect(migrate(conn, await readMigrationFiles(dir))).rejects.toThrow(MigrationError);
    await expect(migrate(conn, await readMigrationFiles(dir))).rejects.toThrow(/has changed/);
  });

  it("rolls back a failing migration and records it so a fixed file applies later", async () => {
    const db = await emptyDatabase();
    cleanup = db.close;
    const dir = await mkdtemp(path.join(tmpdir(), "ensemble-migrations-"));
    await cp(MIGRATIONS, dir, { recursive: true });
    const conn = await db.open();
    await migrate(conn, await readMigrationFiles(dir));
    const broken = path.join(dir, "99990101000000_broken");
    await cp(path.join(dir, (await readMigrationFiles(dir))[0]!.name), broken, { recursive: true });
    await writeFile(
      path.join(broken, "migration.sql"),
      `CREATE TABLE "Half" (id int);\nSELECT nope FROM nowhere;\n`,
    );

    await expect(migrate(conn, await readMigrationFiles(dir))).rejects.toThrow(/rolled back/);
    const [half] = await conn.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'Half'`,
    );
    expect(half?.n).toBe(0);

    await writeFile(path.join(broken, "migration.sql"), `CREATE TABLE "Half" (id int);\n`);
    const fixed = await migrate(conn, await readMigrationFiles(dir));
    expect(fixed.applied).toEqual(["99990101000000_broken"]);
  });
});
