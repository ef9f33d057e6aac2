import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * Modules the browser may import values from: its data layer (lib/query), the DTO files that
 * declare the API's JSON next to the server code producing it (*-view.ts, views.ts), and a few
 * plain modules shared by server and browser. Each imports nothing server-only (enforced below).
 */
const BROWSER_SAFE = [
  "@/lib/query",
  "@/lib/query/**",
  "@/lib/**/*-view",
  "@/lib/**/views",
  "@/lib/runs/status",
  "@/lib/agents/models",
  "@/lib/agents/schema",
  "@/lib/llm/sampling-params",
];
const BROWSER_SAFE_FILES = [
  "lib/query/**",
  "lib/**/*-view.ts",
  "lib/**/views.ts",
  "lib/runs/status.ts",
  "lib/agents/models.ts",
  "lib/agents/schema.ts",
  "lib/llm/sampling-params.ts",
];
const SERVER_ONLY = ["server-only", "@prisma/*", "node:*", "@/lib/db", "@/lib/db/**"];

/** The import rules of docs/architecture.md, per folder (tests/unit/lint-rules.test.ts proves each). */
const importRules = [
  {
    // The orchestrator is a library: no web framework, no database, no process runtime.
    files: ["lib/orchestrator/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["next", "next/*", "@prisma/*", "@/lib/db", "@/lib/db/**"],
              message: "lib/orchestrator knows nothing of Next.js or the database.",
            },
            {
              group: ["@/lib/runtime", "@/lib/runtime/**"],
              message:
                "lib/orchestrator is given what it needs; it does not reach for lib/runtime.",
            },
          ],
        },
      ],
    },
  },
  {
    // The cache's hot path is usable without a server.
    files: ["lib/cache/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [{ group: ["next", "next/*"], message: "lib/cache knows nothing of Next.js." }],
        },
      ],
    },
  },
  {
    // Routes reach the database through lib/*, and the runtime through one narrow accessor each.
    files: ["app/api/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@/lib/runtime",
              importNames: ["getRuntime"],
              message:
                "Ask lib/runtime for the one service the route needs (getPrisma, getWarmJobs, …).",
            },
          ],
          patterns: [
            {
              group: ["@prisma/*", "@/lib/db/generated", "@/lib/db/generated/**"],
              message: "Routes call lib/*; Prisma stays below them.",
            },
          ],
        },
      ],
    },
  },
  {
    // The browser bundle: types from anywhere, values only from browser-safe modules.
    files: ["components/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              // "!@/lib/*/" re-admits the folders themselves (not their files), without which
              // gitignore-style matching could not re-admit a file inside them.
              group: ["@/lib/**", "!@/lib/*/", ...BROWSER_SAFE.map((p) => `!${p}`)],
              allowTypeImports: true,
              message:
                "Components import values only from lib/query, DTO files (*-view.ts, views.ts) and browser-safe modules; use `import type` for server types.",
            },
            { group: SERVER_ONLY, message: "Server-only code never reaches the browser." },
          ],
        },
      ],
    },
  },
  {
    // What the browser may import must itself stay free of server-only code.
    files: BROWSER_SAFE_FILES,
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: SERVER_ONLY,
              allowTypeImports: true,
              message: "This module is imported by the browser: keep server-only code out of it.",
            },
          ],
        },
      ],
    },
  },
];

/**
 * Size limits for the application's own code (tests, benchmarks and generated code are exempt).
 * A function's limit skips blank lines and comments, so explaining why never costs a split. A
 * file's limit counts every line, as `wc -l` does: it is about how much a reader must scroll,
 * blank lines and comments included (tests/unit/lint-rules.test.ts proves both fire).
 */
const sizeRules = {
  files: ["lib/**", "app/**", "components/**", "server/**", "scripts/**"],
  ignores: ["lib/db/generated/**"],
  rules: {
    "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }],
    "max-lines": ["error", { max: 300, skipBlankLines: false, skipComments: false }],
  },
};

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      ".next-*/**",
      "bench/results/**",
      ".data/**",
      "lib/db/generated/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    // Playwright fixtures take a `use` callback that is not React's hook.
    files: ["tests/e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    // process.env has one reader (lib/config); tool configs and Next's instrumentation hook are outside the app.
    files: ["app/**", "components/**", "lib/**"],
    ignores: ["lib/config/**"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through lib/config." },
      ],
    },
  },
  ...importRules,
  sizeRules,
];

export default config;
