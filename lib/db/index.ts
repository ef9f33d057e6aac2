import "server-only";

// The process's one database is opened by lib/runtime (getPrisma there); this module only builds.
export type { Database, DatabaseKind, OpenDatabaseOptions, SqlQuery } from "./open-database";
export { openDatabase } from "./open-database";
export type { PrismaClient } from "./generated/client";
