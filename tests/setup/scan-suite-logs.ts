/**
 * Global setup of the integration project: makes the run's log directory, and at the end reads
 * every log line the app wrote at any level and fails the run if one holds a recorded secret
 * (see tests/helpers/suite-logs.ts). The failure names the file and the kind of value, never the
 * value itself.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), "ensemble-suite-logs-"));
  project.provide("suiteLogDir", dir);
  return async () => {
    const files = await readdir(dir);
    const read = (f: string) => readFile(path.join(dir, f), "utf8");
    const secrets = new Set<string>();
    for (const f of files.filter((f) => f.startsWith("secrets-"))) {
      for (const line of (await read(f)).split("\n")) if (line) secrets.add(JSON.parse(line));
    }
    const leaks: string[] = [];
    let lines = 0;
    for (const f of files.filter((f) => f.startsWith("logs-"))) {
      const text = await read(f);
      lines += text.split("\n").length - 1;
      for (const secret of secrets) {
        // JSON escapes quotes and backslashes; look for the value as a log line would hold it.
        if (text.includes(JSON.stringify(secret).slice(1, -1))) {
          leaks.push(
            `${f}: a value of ${secret.length} characters starting "${secret.slice(0, 3)}"`,
          );
        }
      }
    }
    if (leaks.length > 0) {
      // Vitest reports an error thrown here but still exits 0: fail the run explicitly.
      process.exitCode = 1;
      throw new Error(`secrets reached the logs (kept in ${dir}):\n${leaks.join("\n")}`);
    }
    console.log(`log scan: ${lines} lines at every level, ${secrets.size} secrets, none found`);
    await rm(dir, { recursive: true, force: true });
  };
}
