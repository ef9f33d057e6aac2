import "server-only";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";

/**
 * One database session for raw SQL (the migrator, health checks). Session-level advisory locks
 * need exactly one connection, which Prisma's pooled client cannot promise.
 */
export interface SqlConnection {
  /** Runs a script of one or more statements (no parameters). */
  exec(sql: string): Promise<void>;
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function connectPostgres(connectionString: string): Promise<SqlConnection> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  await client.connect();
  return {
    exec: async (sql) => {
      await client.query(sql);
    },
    query: async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await client.query<T>(sql, params)).rows,
    close: () => client.end(),
  };
}

/** PGlite is a single session already; closing it is the owner's job, not this wrapper's. */
export function wrapPGlite(db: Pick<PGlite, "query" | "exec">): SqlConnection {
  return {
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: async <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
      (await db.query<T>(sql, params)).rows,
    close: async () => {},
  };
}
