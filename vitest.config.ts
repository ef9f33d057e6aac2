import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const alias = {
  "@": fileURLToPath(new URL(".", import.meta.url)),
  "server-only": fileURLToPath(new URL("./tests/fixtures/server-only.ts", import.meta.url)),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          sequence: { groupOrder: 0 },
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          sequence: { groupOrder: 1 },
          include: ["tests/integration/**/*.test.ts"],
          // Every file logs at debug to the run's files; the teardown checks no secret got there.
          // App servers start on copies of one initialised PGlite directory (no initdb per file).
          globalSetup: ["tests/setup/scan-suite-logs.ts", "tests/setup/pglite-template.ts"],
          setupFiles: ["tests/setup/integration-logs.ts"],
          // *.server.test.ts need a Postgres server and *.redis.test.ts a Redis: they run in the
          // pass configured with one (CI runs the embedded pass and a Postgres + Redis pass),
          // rather than failing on a fresh machine that has neither.
          exclude: [
            ...(process.env.DATABASE_URL ? [] : ["tests/integration/**/*.server.test.ts"]),
            ...(process.env.REDIS_URL ? [] : ["tests/integration/**/*.redis.test.ts"]),
          ],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Integration files start servers and databases; two at a time fits a 2-core machine.
          maxWorkers: 2,
        },
      },
    ],
  },
});
