/**
 * Runs the pinned Claude Code CLI (`@anthropic-ai/claude-code`, a dev dependency) in print mode
 * against a base URL, as a user would point it at Ensemble:
 *
 *   const run = await runClaudeCode({ baseUrl: `${app.url}/api/anthropic`, apiKey: key, prompt: "say hello" });
 *   expect(run.result.is_error).toBe(false);
 *
 * Isolated and offline: a fresh temporary HOME (no user settings, no login), telemetry, error
 * reporting, auto-update and non-essential traffic off, and only the environment given here (the
 * caller's ANTHROPIC_* variables never leak in). The CLI is a native binary from the platform
 * package (`@anthropic-ai/claude-code-<platform>-<arch>`); npm here does not run the wrapper's
 * postinstall, so the binary is taken from there first.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";

/** The fields of `--output-format json`'s result line that tests read (others pass through). */
export interface ClaudeCodeResult {
  type: "result";
  subtype: string;
  is_error: boolean;
  api_error_status: number | null;
  num_turns: number;
  result: string;
  stop_reason?: string;
  usage?: Record<string, unknown>;
  /** Keyed by model id (e.g. `claude-opus-4-8[1m]`): which model the CLI actually used. */
  modelUsage?: Record<string, unknown>;
  permission_denials?: unknown[];
  [field: string]: unknown;
}

export interface ClaudeCodeOptions {
  /** Where the CLI sends API calls: ANTHROPIC_BASE_URL (e.g. `http://127.0.0.1:3000/api/anthropic`). */
  baseUrl: string;
  /** Sent as `x-api-key` (ANTHROPIC_API_KEY), or as Bearer with `auth: "bearer"`. */
  apiKey: string;
  /** The prompt, or a function of the working directory (for absolute paths, e.g. for Read). */
  prompt: string | ((cwd: string) => string);
  /** @default "x-api-key" */
  auth?: "x-api-key" | "bearer";
  /** `--model`; unset means the CLI's default model (what a new user gets). */
  model?: string;
  /** Extra CLI arguments, e.g. ["--allowedTools", "Bash(echo:*)"]. */
  args?: readonly string[];
  /** Extra environment, e.g. { ANTHROPIC_CUSTOM_HEADERS: "x-ensemble-cache: bypass" }. */
  env?: Record<string, string>;
  /** Files to create in the working directory first: relative name → content. */
  files?: Record<string, string>;
  /** A safety net against a hung CLI (not an assertion): the process is killed after it. @default 120000 */
  killAfterMs?: number;
}

export interface ClaudeCodeRun {
  /** The parsed last JSON line of stdout. */
  result: ClaudeCodeResult;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The temporary HOME (also the working directory's parent); removed by `cleanup()`. */
  home: string;
  /** The working directory the CLI ran in (holds `files`). */
  cwd: string;
  /** The session transcript(s) the CLI wrote under HOME, concatenated (JSON lines). */
  transcript(): Promise<string>;
  cleanup(): Promise<void>;
}

/** The native CLI binary: the platform package first, the wrapper's bin as a fallback. */
export function claudeCodeBinary(): string {
  const require = createRequire(import.meta.url);
  const platformPackage = `@anthropic-ai/claude-code-${process.platform}-${process.arch}`;
  for (const candidate of [
    () => path.join(path.dirname(require.resolve(`${platformPackage}/package.json`)), "claude"),
    () =>
      path.join(
        path.dirname(require.resolve("@anthropic-ai/claude-code/package.json")),
        "bin",
        "claude.exe",
      ),
  ]) {
    try {
      const file = candidate();
      if (existsSync(file)) return file;
    } catch {
      // Not installed for this platform; try the next.
    }
  }
  throw new Error("Claude Code is not installed: npm install (it is a dev dependency)");
}

async function transcripts(home: string): Promise<string> {
  const root = path.join(home, ".claude", "projects");
  if (!existsSync(root)) return "";
  const out: string[] = [];
  for (const entry of await readdir(root, { recursive: true })) {
    if (String(entry).endsWith(".jsonl"))
      out.push(await readFile(path.join(root, String(entry)), "utf8"));
  }
  return out.join("");
}

function lastJsonLine(stdout: string): ClaudeCodeResult {
  const lines = stdout.split("\n").filter((l) => l.trim().startsWith("{"));
  const last = lines[lines.length - 1];
  if (!last) throw new Error(`Claude Code printed no JSON result:\n${stdout.slice(-2000)}`);
  return JSON.parse(last) as ClaudeCodeResult;
}

/** Runs `claude -p <prompt> --output-format json` and returns its parsed result. */
export async function runClaudeCode(options: ClaudeCodeOptions): Promise<ClaudeCodeRun> {
  const home = await mkdtemp(path.join(tmpdir(), "ensemble-claude-code-"));
  const cwd = path.join(home, "work");
  await mkdir(cwd);
  for (const [name, content] of Object.entries(options.files ?? {})) {
    await mkdir(path.dirname(path.join(cwd, name)), { recursive: true });
    await writeFile(path.join(cwd, name), content);
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    TMPDIR: tmpdir(),
    LANG: "C.UTF-8",
    ANTHROPIC_BASE_URL: options.baseUrl,
    ...(options.auth === "bearer"
      ? { ANTHROPIC_AUTH_TOKEN: options.apiKey }
      : { ANTHROPIC_API_KEY: options.apiKey }),
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    ...options.env,
  };
  const args = [
    "-p",
    typeof options.prompt === "function" ? options.prompt(cwd) : options.prompt,
    "--output-format",
    "json",
    ...(options.model ? ["--model", options.model] : []),
    ...(options.args ?? []),
  ];
  // Next's types make NODE_ENV required on ProcessEnv; the CLI does not need it.
  const childEnv = env as unknown as NodeJS.ProcessEnv;
  const child = spawn(claudeCodeBinary(), args, {
    cwd,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
  const killer = setTimeout(() => child.kill("SIGKILL"), options.killAfterMs ?? 120_000);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  }).finally(() => clearTimeout(killer));
  let result: ClaudeCodeResult;
  try {
    result = lastJsonLine(stdout);
  } catch (error) {
    await rm(home, { recursive: true, force: true });
    throw new Error(
      `${(error as Error).message}\nexit ${exitCode}; stderr:\n${stderr.slice(-2000)}`,
    );
  }
  return {
    result,
    exitCode,
    stdout,
    stderr,
    home,
    cwd,
    transcript: () => transcripts(home),
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}
