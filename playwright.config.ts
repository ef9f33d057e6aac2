import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${PORT}`;
/** Resolved to this machine by Chromium only; see launchOptions. */
export const PUBLIC_HOST = "ensemble.test";

// Debian's Chromium; Playwright's own browser download cannot work offline.
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // A name that is not localhost, for the app as a deployed instance is reached
        // (tests/e2e/public-origin.spec.ts).
        `--host-resolver-rules=MAP ${PUBLIC_HOST} 127.0.0.1`,
      ],
    },
  },
  webServer: {
    // A fresh embedded data directory per run; with DATABASE_URL the caller provides a fresh database.
    // server.mjs is what `npm start` serves: the gateway's node:http front before Next.
    command: `rm -rf .data/e2e && PORT=${PORT} HOSTNAME=127.0.0.1 node server.mjs`,
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DATA_DIR: ".data/e2e",
      // Every spec signs up fresh accounts from one address; the default (10/min) would throttle the suite.
      RATE_LIMIT_SIGN_IN_PER_MINUTE: "500",
      // Every test signs up (and some sign in) at least once: the cheapest scrypt cost config
      // allows, as in the integration suite (production: 2^17).
      PASSWORD_HASH_LOG2_N: "14",
      NEXT_TELEMETRY_DISABLED: "1",
      // Every agent runs on the built-in simulator in tests, whatever the developer's shell has.
      ANTHROPIC_API_KEY: "",
      ...(process.env.DATABASE_URL && !process.env.CACHE_HMAC_SECRET
        ? { CACHE_HMAC_SECRET: "5d2c8e71f04a9b36c1e7d58a2f9b04c63e8a1d7f2b5c90e4a6d3f8b1c7e2a095" }
        : {}),
    },
  },
});
