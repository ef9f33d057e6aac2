/**
 * The import and size rules of eslint.config.mjs fire where they should, and only there: each case lints a
 * snippet as if it were a file at the given path, through the project's own ESLint config (so a
 * violation fails `npm run lint`, and so `npm run check`).
 */
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

let eslint: ESLint;
// Loading the project's config (Next's plugins) takes seconds on a busy machine: do it once here.
beforeAll(async () => {
  eslint = new ESLint({ cwd: process.cwd() });
  await eslint.lintText("export {};\n", { filePath: "lib/probe.ts" });
}, 120_000);

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const probe = 1;\n`, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === "@typescript-eslint/no-restricted-imports")
    .map((m) => m.message);
}

describe("import rules", { timeout: 30_000 }, () => {
  it.each([
    ['import { NextResponse } from "next/server";'],
    ['import { PrismaClient } from "@prisma/client";'],
    ['import { openDatabase } from "@/lib/db";'],
    ['import type { PrismaClient } from "@/lib/db";'],
    ['import { getPrisma } from "@/lib/runtime";'],
  ])("lib/orchestrator refuses %s", async (code) => {
    expect(await restrictedImports("lib/orchestrator/probe.ts", code)).toHaveLength(1);
  });

  it("lib/orchestrator may use errors, async helpers and model types", async () => {
    const code = [
      'import { AppError } from "@/lib/errors";',
      'import { abortableSleep } from "@/lib/async";',
      'import type { ModelCaller } from "@/lib/llm/types";',
    ].join("\n");
    expect(await restrictedImports("lib/orchestrator/probe.ts", code)).toEqual([]);
  });

  it("lib/cache refuses Next.js and nothing it already uses", async () => {
    expect(
      await restrictedImports("lib/cache/probe.ts", 'import { headers } from "next/headers";'),
    ).toHaveLength(1);
    expect(
      await restrictedImports(
        "lib/cache/probe.ts",
        'import type { PrismaClient } from "@/lib/db";',
      ),
    ).toEqual([]);
  });

  it("app/api refuses Prisma and the whole runtime, and takes one service", async () => {
    const file = "app/api/probe/route.ts";
    expect(await restrictedImports(file, 'import { Prisma } from "@prisma/client";')).toHaveLength(
      1,
    );
    expect(
      await restrictedImports(file, 'import { getRuntime } from "@/lib/runtime";'),
    ).toHaveLength(1);
    expect(await restrictedImports(file, 'import { getWarmJobs } from "@/lib/runtime";')).toEqual(
      [],
    );
  });

  it.each([
    ['import { getPrisma } from "@/lib/runtime";'],
    ['import { startRun } from "@/lib/runs";'],
    ['import { listAgents } from "@/lib/agents";'],
    ['import "server-only";'],
    ['import { readFile } from "node:fs/promises";'],
  ])("components refuse the value import %s", async (code) => {
    expect(await restrictedImports("components/runs/probe.tsx", code)).not.toEqual([]);
  });

  it("components take types from anywhere and values from the browser data layer and DTO files", async () => {
    const code = [
      'import type { RunDetail } from "@/lib/runs";',
      'import type { ErrorCode } from "@/lib/errors";',
      'import { fetchJson } from "@/lib/query/fetch-json";',
      'import { isFinished } from "@/lib/runs/status";',
      'import { toAgentView } from "@/lib/agents/agent-view";',
      'import { KNOWN_MODELS } from "@/lib/agents/models";',
    ].join("\n");
    expect(await restrictedImports("components/runs/probe.tsx", code)).toEqual([]);
  });

  it("a module the browser imports may not import server-only code", async () => {
    expect(
      await restrictedImports("lib/runs/status.ts", 'import { openDatabase } from "@/lib/db";'),
    ).toHaveLength(1);
    expect(await restrictedImports("lib/query/probe.ts", 'import "server-only";')).toHaveLength(1);
  });
});

/** The messages of `ruleId` for a snippet linted as if it were the file at `filePath`. */
async function ruleMessages(filePath: string, code: string, ruleId: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === ruleId).map((m) => m.message);
}

/** A function of `statements` lines of code, each followed by a blank line and a comment. */
function functionOf(statements: number): string {
  const body = Array.from(
    { length: statements },
    (_, i) => `  total += ${i};\n\n  // a comment, which the limit does not count\n`,
  );
  return `export function probe(): number {\n  let total = 0;\n${body.join("")}  return total;\n}\n`;
}

describe("size rules", { timeout: 30_000 }, () => {
  it("a function of more than 80 lines of code in lib fails lint", async () => {
    const messages = await ruleMessages("lib/probe.ts", functionOf(80), "max-lines-per-function");
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain("Maximum allowed is 80");
  });

  it("blank lines and comments do not count against a function", async () => {
    // The declaration, `let`, `return` and `}` add 4 lines of code: 76 statements make 80, at
    // the limit, although with its blank lines and comments the function spans 232 lines.
    expect(await ruleMessages("lib/probe.ts", functionOf(76), "max-lines-per-function")).toEqual(
      [],
    );
  });

  it.each([
    "app/api/probe/route.ts",
    "components/runs/probe.tsx",
    "server/probe.ts",
    "scripts/probe.ts",
  ])("the function limit holds in %s too", async (file) => {
    expect(await ruleMessages(file, functionOf(80), "max-lines-per-function")).toHaveLength(1);
  });

  it("tests and benchmarks may hold longer functions", async () => {
    for (const file of ["tests/unit/probe.test.ts", "bench/probe.ts"]) {
      expect(await ruleMessages(file, functionOf(80), "max-lines-per-function")).toEqual([]);
    }
  });

  it("a source file over 300 lines fails lint, blank lines and comments included", async () => {
    const lines = (n: number) =>
      Array.from({ length: n }, (_, i) => (i % 2 ? "" : `// line ${i}`)).join("\n") +
      "\nexport const probe = 1;\n";
    expect(await ruleMessages("lib/probe.ts", lines(300), "max-lines")).toHaveLength(1);
    expect(await ruleMessages("lib/probe.ts", lines(299), "max-lines")).toEqual([]);
  });
});
