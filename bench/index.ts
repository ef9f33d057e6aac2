/**
 * `npm run bench` — runs each bench group in a fresh child process:
 *   node --conditions=react-server --expose-gc --import tsx bench/run.ts <group>
 * (`--conditions=react-server` makes `import "server-only"` resolve to its empty export, so the
 * app's server modules load under plain Node), then prints one table and writes
 * bench/results/latest.json. Benchmarks, not tests: a missed target never fails the process.
 *
 *   npm run bench                      all groups
 *   npm run bench -- cache gateway     some groups
 * Env: BENCH_DATABASE_URL (Postgres for the L2 bench; default DATABASE_URL, else
 *      postgresql://postgres@127.0.0.1:5432/postgres; PGlite when unreachable),
 *      BENCH_GATEWAY_DB=postgres (the gateway group then also runs the app on a fresh database
 *      on that server, with Redis when REDIS_URL or 127.0.0.1:6379 answers).
 * The redis-outage group starts its own redis-server (needs `redis-server` on PATH). The resume
 * group needs Postgres (as the L2 bench) and kills app instances of its own mid-run.
 */
import { spawn } from "node:child_process";
import { readFile, rm, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { RESULTS_DIR, type GroupResult, type Row } from "./util";

const ALL = [
  "orchestrator",
  "memory",
  "cache",
  "gateway",
  "outbound",
  "redis-outage",
  "resume",
  "run-start",
] as const;
const DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

const requested = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const groups = requested.length ? requested : [...ALL];

function runGroup(group: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        "--conditions=react-server",
        "--expose-gc",
        // 64-200 concurrent steps legitimately put more than 10 abort listeners on one run signal.
        "--disable-warning=MaxListenersExceededWarning",
        "--import",
        "tsx",
        "bench/run.ts",
        group,
      ],
      { stdio: "inherit", env },
    );
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  const started = Date.now();
  const loadBefore = os.loadavg();
  await mkdir(RESULTS_DIR, { recursive: true });
  const results: GroupResult[] = [];
  const failures: string[] = [];
  for (const group of groups) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (group === "run-start") {
      // The embedded default: a fresh PGlite, in-process stores.
      delete env.DATABASE_URL;
      delete env.REDIS_URL;
    }
    if (group === "gateway") {
      if (process.env.BENCH_GATEWAY_DB === "postgres") {
        env.DATABASE_URL =
          process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_PG_URL;
      } else {
        delete env.DATABASE_URL; // the app on a fresh PGlite data directory
      }
    }
    const file = path.join(RESULTS_DIR, `group-${group}.json`);
    await rm(file, { force: true });
    process.stderr.write(`\n[bench] ── ${group} ──\n`);
    const t0 = Date.now();
    const code = await runGroup(group, env);
    try {
      results.push(JSON.parse(await readFile(file, "utf8")) as GroupResult);
      process.stderr.write(`[bench] ${group} done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    } catch {
      failures.push(`${group} (exit ${code}, no results)`);
    }
  }

  const rows: Row[] = results.flatMap((r) => r.rows);
  const notes = results.flatMap((r) => r.notes);
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [
    "| benchmark | result | target | met? |",
    "|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${cell(r.benchmark)} | ${cell(r.result)} | ${cell(r.target)} | ${r.met === null ? "—" : r.met ? "yes" : "NO"} |`,
    ),
  ];
  const loadAfter = os.loadavg();
  console.log(
    `\nEnsemble benchmarks — ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} CPUs`,
  );
  console.log(
    `load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(2)).join(" ")}\n`,
  );
  console.log(lines.join("\n"));
  for (const note of notes) console.log(`- ${note}`);
  for (const failure of failures) console.log(`- group failed: ${failure}`);
  const met = rows.filter((r) => r.met === true).length;
  const judged = rows.filter((r) => r.met !== null).length;
  console.log(
    `\n${met}/${judged} targets met; total ${((Date.now() - started) / 1000).toFixed(1)} s. Details: bench/results/latest.json`,
  );

  await writeFile(
    path.join(RESULTS_DIR, "latest.json"),
    JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        platform: `${os.platform()} ${os.arch()}`,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadAfter,
        totalMs: Date.now() - started,
        groups: results,
        failures,
        table: lines.join("\n"),
      },
      null,
      2,
    ),
  );
}

await main();
