/**
 * Issue 14: "no prompt, key or secret appears in logs at any level in a run of the integration
 * suite". Every integration file logs at debug into a file of the run's log directory (warnings
 * and errors still reach the terminal), and the secrets the tests hand out or send — session
 * cookies, API keys, passwords, the signing secret, prompts marked as canaries — are listed beside
 * them. The global teardown (tests/setup/scan-suite-logs.ts) fails the run if any log line holds
 * one of them.
 */
import { appendFileSync, openSync, writeSync } from "node:fs";
import path from "node:path";
import { inject } from "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    suiteLogDir: string;
  }
}

/** Shorter values (a refused "password1", say) are too common to mean anything in a log. */
const MIN_SECRET_LENGTH = 12;

function dir(): string | undefined {
  try {
    return inject("suiteLogDir");
  } catch {
    return undefined; // outside the integration project (no global setup): nothing to record
  }
}

const recorded = new Set<string>();

/** Notes a value that must never appear in any log line of this run. */
export function recordSecret(value: string | undefined): void {
  const where = dir();
  if (!where || !value || value.length < MIN_SECRET_LENGTH || recorded.has(value)) return;
  recorded.add(value);
  appendFileSync(path.join(where, `secrets-${process.pid}.txt`), `${JSON.stringify(value)}\n`);
}

let fd: number | undefined;

/** Keeps a log line in this worker's file of the run. */
export function keepSuiteLog(line: string): void {
  const where = dir();
  if (!where) return;
  fd ??= openSync(path.join(where, `logs-${process.pid}.jsonl`), "a");
  writeSync(fd, line);
}

/** Keeps a log line, and shows it when it is a warning or worse (what the suite printed before). */
export function writeSuiteLog(line: string): void {
  keepSuiteLog(line);
  if (!/"level":"(debug|info|trace)"/.test(line.slice(0, 40))) process.stdout.write(line);
}

/** What a request sends that must never be logged: passwords, and tasks and prompts long enough to be unique. */
export function recordRequestSecrets(body: unknown): void {
  if (!body || typeof body !== "object") return;
  for (const [field, value] of Object.entries(body)) {
    if (typeof value !== "string") continue;
    if (/password/i.test(field) || (field === "task" && value.length >= 24)) recordSecret(value);
  }
}
