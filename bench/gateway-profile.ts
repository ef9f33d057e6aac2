/**
 * A short, targeted gateway measurement for one change at a time (not a bench group): the app as
 * users start it (server.mjs on the production build) against the bench's 50 ms upstream, the
 * chosen phases each measured direct and through the gateway in the same run, with the load
 * average beside every figure. Optionally under `--cpu-prof` (profiles in the given directory,
 * written when the server exits) or with heap sampling.
 *
 *   npx tsx bench/gateway-profile.ts [--prof DIR] [--seconds N] [--db postgres]
 *     [--node-args "--trace-gc …"] [--memory] [idle] miss1 miss64 hit64
 * (BENCH_SERVER_STDOUT=1 shows the server's output, e.g. --trace-gc's heap sizes; --memory prints
 * where the server's memory is, from its own /api/metrics, at idle and after every phase.)
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { Pool } from "undici";
import { jsonMessage, textStream } from "../tests/fixtures/anthropic-frames";
import { startRecordingUpstream } from "../tests/fixtures/recording-upstream";
import { body, load, MODEL, once, type Target } from "./gateway-load";
import { type Deployment, ensureBuild, startBenchServer } from "./gateway-server";
import { fmtMB, fmtMs, log, summarize } from "./util";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args.splice(i, 2)[1];
};
const profDir = flag("--prof");
const seconds = Number(flag("--seconds") ?? 8);
const db = flag("--db");
const memory = args.includes("--memory");
if (memory) args.splice(args.indexOf("--memory"), 1);
const extraNodeArgs = flag("--node-args")?.split(" ").filter(Boolean) ?? [];
const phases = args.length > 0 ? args : ["miss1", "miss64", "hit64"];
const load1 = () => loadavg()[0]!.toFixed(2);
/** The server's CPU time (user + system) so far, in ms: per request, it does not depend on load. */
const cpuMs = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const [utime, stime] = stat
    .slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .slice(11, 13)
    .map(Number);
  return ((utime! + stime!) * 1000) / 100;
};

await ensureBuild();
const upstream = await startRecordingUpstream({
  latencyMs: 50,
  record: false,
  reply: (r) => {
    const o = { id: `msg_bench_${r.index}`, model: MODEL };
    return /"stream"\s*:\s*true/.test(r.text)
      ? { sse: textStream(["Hi! My name ", "is Claude."], o) }
      : { json: jsonMessage(o) };
  },
});
const deployment: Deployment =
  db === "postgres"
    ? {
        kind: "postgres",
        databaseUrl: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
        redisUrl: process.env.REDIS_URL,
      }
    : { kind: "embedded" };
const nodeArgs = [
  ...(profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []),
  ...extraNodeArgs,
];
const server = await startBenchServer(deployment, upstream.url, nodeArgs);
const COMMON = { "content-type": "application/json", "anthropic-version": "2023-06-01" };
const direct: Target = {
  origin: upstream.url,
  path: "/v1/messages",
  headers: { ...COMMON, "x-api-key": "sk-direct" },
};
const gateway: Target = {
  origin: server.url,
  path: "/api/anthropic/v1/messages",
  headers: { ...COMMON, "x-api-key": server.key },
};
const pools = { direct: new Pool(direct.origin), gateway: new Pool(gateway.origin) };
const run = Date.now().toString(36);
let n = 0;
const prompt = (kind: string) => `Gateway profile ${kind} ${run} ${n++}: say something short.`;

try {
  for (let i = 0; i < 50; i++) {
    await once(pools.direct, direct, body(prompt("warm")));
    await once(pools.gateway, gateway, body(prompt("warm")));
  }
  const idle = server.rss();
  log(`idle RSS ${fmtMB(idle)} (load ${load1()})`);
  if (memory) await logMemory("idle");
  for (const phase of phases) {
    const cpu0 = cpuMs(server.pid);
    const calls0 = upstream.calls;
    let served = 0;
    if (phase === "miss1") {
      const ms = { direct: [] as number[], gateway: [] as number[] };
      const perSide = Math.max(40, Math.round(seconds * 8));
      for (let block = 0; block < 4; block++) {
        for (const side of ["direct", "gateway"] as const) {
          for (let i = 0; i < perSide / 4; i++) {
            const target = side === "direct" ? direct : gateway;
            ms[side].push((await once(pools[side], target, body(prompt("c1")))).ms);
          }
        }
      }
      served = ms.gateway.length;
      const d = summarize(ms.direct);
      const g = summarize(ms.gateway);
      log(
        `miss c=1 (load ${load1()}): added p50 +${fmtMs(g.p50 - d.p50)} p99 +${fmtMs(g.p99 - d.p99)} (direct ${fmtMs(d.p50)}/${fmtMs(d.p99)}, gateway ${fmtMs(g.p50)}/${fmtMs(g.p99)})`,
      );
    } else if (phase === "miss64") {
      const d = await load(direct, body(prompt("c64") + " {{n}}"), 64, 4000);
      const g = await load(gateway, body(prompt("c64") + " {{n}}"), 64, seconds * 1000);
      served = g.completed;
      log(
        `miss c=64 (load ${load1()}): gateway ${Math.round(g.rps)} req/s p50 ${fmtMs(g.p50)} p99 ${fmtMs(g.p99)} errors ${g.errors} | direct ${Math.round(d.rps)} req/s p50 ${fmtMs(d.p50)} p99 ${fmtMs(d.p99)} | ratio ${(g.rps / d.rps).toFixed(2)} | RSS +${fmtMB(server.rss() - idle)}`,
      );
    } else if (phase === "hit64") {
      const hitBody = body(prompt("hit"));
      await once(pools.gateway, gateway, hitBody);
      await new Promise((r) => setTimeout(r, 500));
      const g = await load(gateway, hitBody, 64, seconds * 1000);
      served = g.completed;
      log(
        `hit c=64 (load ${load1()}): ${Math.round(g.rps)} req/s p50 ${fmtMs(g.p50)} p99 ${fmtMs(g.p99)} errors ${g.errors} ${JSON.stringify(g.cache)} | RSS +${fmtMB(server.rss() - idle)}`,
      );
    } else if (phase === "idle") {
      // The server's own background work (timers, claims, flushes) with no requests at all.
      await new Promise((r) => setTimeout(r, seconds * 1000));
      log(`idle ${seconds} s (load ${load1()}): RSS +${fmtMB(server.rss() - idle)}`);
    } else log(`unknown phase ${phase}`);
    const cpu = cpuMs(server.pid) - cpu0;
    log(
      `  ${phase}: server CPU ${Math.round(cpu)} ms for ${served} requests = ${(cpu / Math.max(1, served)).toFixed(2)} ms/request (upstream calls ${upstream.calls - calls0})`,
    );
    if (memory) await logMemory(phase);
  }
} finally {
  await pools.direct.close();
  await pools.gateway.close();
  await server.close();
  await upstream.close();
}

/** The server's memory by part (its prom-client process and heap gauges), RSS of the tree beside. */
async function logMemory(when: string): Promise<void> {
  const text = await (await fetch(`${server.url}/api/metrics`)).text();
  const gauge = (name: string, label = "") => {
    const line = text.split("\n").find((l) => l.startsWith(`ensemble_${name}${label}`));
    return Number(line?.split(" ").pop() ?? NaN);
  };
  const spaces = ["new", "old", "code", "large_object"]
    .map((space) => {
      const label = `{space="${space}"}`;
      return `${space} ${fmtMB(gauge("nodejs_heap_space_size_used_bytes", label))}/${fmtMB(gauge("nodejs_heap_space_size_total_bytes", label))}`;
    })
    .join(", ");
  log(
    `  memory ${when}: tree RSS ${fmtMB(server.rss())}, process RSS ${fmtMB(gauge("process_resident_memory_bytes"))}; heap used/total ${fmtMB(gauge("nodejs_heap_size_used_bytes"))}/${fmtMB(gauge("nodejs_heap_size_total_bytes"))} (${spaces}); external ${fmtMB(gauge("nodejs_external_memory_bytes"))}`,
  );
}
