import "server-only";
import path from "node:path";
import { getConfig } from "@/lib/config";
import { logger } from "@/lib/log";
import { type Database, openDatabase } from "./open-database";

export type { Database, DatabaseKind } from "./open-database";
export { openDatabase } from "./open-database";
export type { PrismaClient } from "./generated/client";

// Kept on globalThis so Next's dev hot reload does not open a second PGlite on the same directory.
const globalForDb = globalThis as unknown as { ensembleDb?: Promise<Database> };

/**
 * The process's database, opened (and migrated) on first use. A failure is not cached: the next
 * caller tries again, so a database that comes back is picked up without a restart.
 */
export function getDb(): Promise<Database> {
  if (!globalForDb.ensembleDb) {
    const config = getConfig();
    const log = logger.child("db");
    globalForDb.ensembleDb = openDatabase({
      databaseUrl: config.DATABASE_URL,
      pgliteDir: path.resolve(config.DATA_DIR, "pglite"),
      log: (message) => log.info(message),
    }).catch((error: unknown) => {
      globalForDb.ensembleDb = undefined;
      throw error;
    });
  }
  return globalForDb.ensembleDb;
}

/** Shorthand for the Prisma client of getDb(). */
export async function getPrisma() {
  return (await getDb()).prisma;
}
