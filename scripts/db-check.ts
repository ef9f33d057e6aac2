/** `npm run db:check`: fails when prisma/schema.prisma and the committed migrations disagree. */
import { diffMigrationsToSchema } from "./lib/schema-engine";

const sql = await diffMigrationsToSchema();
if (sql.trim()) {
  console.error(
    "schema.prisma and prisma/migrations disagree. Run `npm run db:new -- <name>`. Pending SQL:\n",
  );
  console.error(sql);
  process.exit(1);
}
console.log("db:check: schema.prisma and prisma/migrations agree.");
