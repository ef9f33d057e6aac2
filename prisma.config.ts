import { existsSync } from "node:fs";
import { defineConfig } from "prisma/config";

// The Prisma CLI downloads a native schema engine before most commands, which fails offline.
// Pointing it at any existing executable stops the download; migrations never go through the
// CLI here anyway (lib/db/migrate.ts applies them; scripts/db-new.ts authors them with the wasm engine).
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY && existsSync("/bin/true")) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = "/bin/true";
}

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/ensemble" },
});
