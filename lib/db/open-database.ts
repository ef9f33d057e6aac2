import "server-only";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "./generated/client";
import { migrate, readMigrationFiles } from "./migrate";
import { type SqlConnection, connectPostgres, wrapPGlite } from "./sql-connection";

export type DatabaseKind = "postgres" | "pglite";

export interface OpenDatabaseOptions {
  /** A Postgres server. Without it, embedded PGlite. */
  databaseUrl?: string;
  /**
   * PGlite's data directory; "memory://" for an in-memory database (tests).
   * @default ".data/pglite"
   */
  pgliteDir?: string;
  /** @default "prisma/migrations" under the working directory */
  migrationsDir?: string;
  log?: (message: string) => void;
}

export interface Database {
  kind: DatabaseKind;
  prisma: PrismaClient;
  /** Migrations applied at open, including earlier ones. */
  migrations: number;
  /** A cheap round trip; rejects when the database is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the database the configuration names, applies pending migrations, and returns a Prisma
 * client on the matching driver adapter. Both kinds run the same SQL migrations.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const log = options.log ?? (() => {});
  const files = await readMigrationFiles(
    options.migrationsDir ?? path.resolve(process.cwd(), "prisma/migrations"),
  );

  if (options.databaseUrl) {
    const conn = await connectPostgres(options.databaseUrl);
    let migrations: number;
    try {
      migrations = (await migrate(conn, files, log)).total;
    } finally {
      await conn.close();
    }
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: 10,
      connectionTimeoutMillis: 5_000,
    });
    // An idle client that loses its server must not crash the process; the next query reports it.
    pool.on("error", (error) => log(`postgres pool: ${error.message}`));
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    return {
      kind: "postgres",
      prisma,
      migrations,
      ping: async () => {
        await pool.query("SELECT 1");
      },
      close: async () => {
        await prisma.$disconnect();
        await pool.end().catch(() => {});
      },
    };
  }

  const dir = options.pgliteDir ?? path.resolve(process.cwd(), ".data/pglite");
  if (!dir.startsWith("memory://")) await mkdir(dir, { recursive: true });
  const pglite = new PGlite(dir);
  await pglite.waitReady;
  const conn: SqlConnection = wrapPGlite(pglite);
  let migrations: number;
  try {
    migrations = (await migrate(conn, files, log)).total;
  } catch (error) {
    await pglite.close();
    throw error;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    kind: "pglite",
    prisma,
    migrations,
    ping: async () => {
      await pglite.query("SELECT 1");
    },
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}
