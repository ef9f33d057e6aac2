// The gateway bench's load generator, in its own process so that it shares no event loop with the
// server or the fake upstream: `node bench/pool-load.mjs '<json config>'`, one JSON line out.
// Keep-alive connections through one undici Pool (as an SDK's agent would reuse them).
// Config: { origin, path, headers, body, connections, durationMs, warmupMs, cacheHeader? }
// `body` may contain "{{n}}": each request gets a fresh number there (unique prompts = misses).
import { Pool } from "undici";

const cfg = JSON.parse(process.argv[2]);
const pool = new Pool(cfg.origin, {
  connections: cfg.connections,
  pipelining: 1,
  keepAliveTimeout: 30_000,
});
const unique = cfg.body.includes("{{n}}");
const prefix = `${process.pid.toString(36)}-${Date.now().toString(36)}`;
let n = 0;

let measuring = false;
let stop = false;
let ok = 0;
let errors = 0;
let completed = 0;
const statuses = {};
const cache = {};
const latencies = [];

async function once() {
  const body = unique ? cfg.body.replace("{{n}}", `${prefix}-${n++}`) : cfg.body;
  const t0 = process.hrtime.bigint();
  try {
    const res = await pool.request({
      path: cfg.path,
      method: "POST",
      headers: cfg.headers,
      body,
    });
    await res.body.arrayBuffer();
    completed += 1;
    if (!measuring) return;
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    if (res.statusCode === 200) ok += 1;
    else errors += 1;
    if (cfg.cacheHeader) {
      const value = String(res.headers[cfg.cacheHeader] ?? "none");
      cache[value] = (cache[value] ?? 0) + 1;
    }
  } catch {
    if (measuring) errors += 1;
  }
}

async function worker() {
  while (!stop) await once();
}

const workers = Array.from({ length: cfg.connections }, worker);
await new Promise((r) => setTimeout(r, cfg.warmupMs));
measuring = true;
const started = process.hrtime.bigint();
await new Promise((r) => setTimeout(r, cfg.durationMs));
measuring = false;
const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
stop = true;
await Promise.all(workers);
await pool.close();
latencies.sort((a, b) => a - b);
const pct = (p) =>
  latencies[
    Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))
  ];
process.stdout.write(
  JSON.stringify({
    ok,
    errors,
    completed,
    statuses,
    cache,
    elapsedMs,
    rps: ok / (elapsedMs / 1000),
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: latencies[latencies.length - 1],
  }) + "\n",
);
