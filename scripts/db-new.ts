/**
 * `npm run db:new -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql from the
 * difference between the committed migrations and prisma/schema.prisma. Offline: the wasm schema
 * engine diffs against an in-memory PGlite.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { LOCKFILE, MIGRATIONS_DIR, diffMigrationsToSchema } from "./lib/schema-engine";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new -- <name>   (name: lowercase letters, digits, underscores)");
  process.exit(2);
}

const sql = await diffMigrationsToSchema();
if (!sql.trim()) {
  console.log("schema.prisma and the migrations agree: nothing to write.");
  process.exit(0);
}

const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
await mkdir(dir, { recursive: true });
await writeFile(path.join(dir, "migration.sql"), sql);
await writeFile(path.join(MIGRATIONS_DIR, "migration_lock.toml"), LOCKFILE);
console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`);
