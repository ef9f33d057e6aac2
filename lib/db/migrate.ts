import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import type { SqlConnection } from "./sql-connection";

/** The key Prisma Migrate itself locks on, so our migrator and `prisma migrate` exclude each other. */
const ADVISORY_LOCK_KEY = 72707369;

export interface MigrationFile {
  /** The directory name, e.g. 20261127220234_init. */
  name: string;
  sql: string;
  /** SHA-256 hex of the file, as Prisma records it. */
  checksum: string;
}

export interface MigrateResult {
  /** Migrations applied by this call. */
  applied: string[];
  /** Migrations recorded as applied after this call. */
  total: number;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

export async function readMigrationFiles(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/** Prisma Migrate's own bookkeeping table, so `prisma migrate status` agrees with us. */
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

type AppliedRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
};

/**
 * Applies pending migrations in name order, each in its own transaction, under a Postgres
 * advisory lock so that instances starting together take turns. Refuses (MigrationError) when a
 * migration that was applied has since been edited: the database would no longer match the files.
 */
export function migrate(
  conn: SqlConnection,
  files: MigrationFile[],
  log: (message: string) => void = () => {},
): Promise<MigrateResult> {
  // An advisory lock is re-entrant within one session, so callers sharing a connection (PGlite
  // is a single session) must also take turns in process.
  const previous = queues.get(conn) ?? Promise.resolve();
  const run = previous.catch(() => {}).then(() => migrateLocked(conn, files, log));
  queues.set(conn, run);
  return run;
}

const queues = new WeakMap<SqlConnection, Promise<unknown>>();

async function migrateLocked(
  conn: SqlConnection,
  files: MigrationFile[],
  log: (message: string) => void,
): Promise<MigrateResult> {
  await conn.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
  try {
    await conn.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await conn.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const applied = new Map(
      rows.filter((r) => r.finished_at && !r.rolled_back_at).map((r) => [r.migration_name, r]),
    );
    const known = new Set(files.map((f) => f.name));

    for (const file of files) {
      const row = applied.get(file.name);
      if (row && row.checksum !== file.checksum) {
        throw new MigrationError(
          `Migration ${file.name} was applied, but its migration.sql has changed since ` +
            `(checksum ${row.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk). ` +
            `Restore the file and put the change in a new migration (npm run db:new -- <name>).`,
        );
      }
    }
    for (const name of applied.keys()) {
      // A newer release may already have migrated a shared database; older code can still run.
      if (!known.has(name)) log(`database has migration ${name}, which this build does not know`);
    }

    const done: string[] = [];
    for (const file of files) {
      if (applied.has(file.name)) continue;
      const id = randomUUID();
      try {
        await conn.exec("BEGIN");
        await conn.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
          [id, file.checksum, file.name],
        );
        await conn.exec(file.sql);
        await conn.query(
          `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
          [id],
        );
        await conn.exec("COMMIT");
      } catch (error) {
        await conn.exec("ROLLBACK").catch(() => {});
        // The transaction undid the migration, so record it as rolled back: a fixed file can
        // then be applied on the next start, and `prisma migrate status` shows what happened.
        await conn
          .query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, rolled_back_at)
             VALUES ($1, $2, $3, $4, now(), now())`,
            [id, file.checksum, file.name, String(error)],
          )
          .catch(() => {});
        throw new MigrationError(
          `Migration ${file.name} failed and was rolled back: ${String(error)}`,
        );
      }
      log(`applied migration ${file.name}`);
      done.push(file.name);
    }
    return { applied: done, total: applied.size + done.length };
  } finally {
    await conn.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]).catch(() => {});
  }
}

/** How many migrations the database records as applied (for /api/health). */
export async function countAppliedMigrations(conn: SqlConnection): Promise<number> {
  const [row] = await conn.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return row?.n ?? 0;
}
