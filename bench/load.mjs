// A tiny autocannon-like load generator, run in its own process so that it does not share the
// server's event loop: `node bench/load.mjs '<json config>'`; prints one JSON line of results.
// Config: { url, headers, body, connections, durationMs, warmupMs, expectHeader?: [name, value] }
import http from "node:http";

const cfg = JSON.parse(process.argv[2]);
const url = new URL(cfg.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.connections });
const body = Buffer.from(cfg.body);
const headers = { ...cfg.headers, "content-length": String(body.length) };

let measuring = false;
let stop = false;
let ok = 0;
let errors = 0;
let unexpected = 0;
const statuses = {};
const latencies = [];

function once() {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent, headers },
      (res) => {
        res.on("data", () => {});
        res.on("end", () => {
          if (measuring) {
            latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
            if (res.statusCode === 200) ok += 1;
            else errors += 1;
            if (cfg.expectHeader && res.headers[cfg.expectHeader[0]] !== cfg.expectHeader[1])
              unexpected += 1;
          }
          resolve();
        });
        res.on("error", () => {
          if (measuring) errors += 1;
          resolve();
        });
      },
    );
    req.on("error", () => {
      if (measuring) errors += 1;
      resolve();
    });
    req.end(body);
  });
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
agent.destroy();
latencies.sort((a, b) => a - b);
const pct = (p) =>
  latencies[
    Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))
  ];
process.stdout.write(
  JSON.stringify({
    ok,
    errors,
    unexpectedHeader: unexpected,
    statuses,
    elapsedMs,
    rps: ok / (elapsedMs / 1000),
    p50: pct(50),
    p99: pct(99),
    max: latencies[latencies.length - 1],
  }) + "\n",
);
