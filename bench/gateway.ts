/**
 * Gateway benchmarks over HTTP: the app's real route handlers (tests/helpers/app-server.ts) with
 * the in-process simulator. Overhead vs the simulator called directly, and cache-hit throughput.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { ApiClient, startAppServer } from "../tests/helpers/app-server";
import { fmtMs, log, nowMs, rounded, summarize, type GroupResult, type Row } from "./util";

const MODEL = "claude-sonnet-4-6";

interface Target {
  url: string;
  headers: Record<string, string>;
}

async function call(
  target: Target,
  body: string,
): Promise<{ ms: number; status: number; cache: string | null }> {
  const t0 = nowMs();
  const res = await fetch(target.url, { method: "POST", headers: target.headers, body });
  await res.arrayBuffer();
  return { ms: nowMs() - t0, status: res.status, cache: res.headers.get("x-ensemble-cache") };
}

/** `total` requests with `concurrency` workers; per-request latencies and non-200 count. */
async function closedLoop(target: Target, body: string, concurrency: number, total: number) {
  const samples: number[] = [];
  let errors = 0;
  let next = 0;
  const started = nowMs();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        const r = await call(target, body);
        samples.push(r.ms);
        if (r.status !== 200) errors += 1;
      }
    }),
  );
  return { summary: summarize(samples), errors, wallMs: nowMs() - started };
}

/** What bench/load.mjs prints. */
interface LoadResult {
  ok: number;
  errors: number;
  unexpectedHeader: number;
  statuses: Record<string, number>;
  elapsedMs: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
}

function runLoad(config: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.resolve("bench/load.mjs"), JSON.stringify(config)],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => {
      try {
        resolve(JSON.parse(out.trim()) as LoadResult);
      } catch {
        reject(new Error(`load generator exited ${code}: ${out}`));
      }
    });
  });
}

export async function gatewayGroup(): Promise<GroupResult> {
  const t0 = nowMs();
  const rows: Row[] = [];
  const notes: string[] = [];
  const dbKind = process.env.DATABASE_URL ? "Postgres" : "PGlite";
  const app = await startAppServer({
    RATE_LIMIT_API_PER_MINUTE: "100000000",
    // The process-wide upstream semaphore (default 16) would queue c=64 bypass calls; the bench
    // measures overhead, not that admission limit.
    MAX_CONCURRENCY: "256",
    LOG_LEVEL: "warn",
  });
  notes.push(
    `3: app on ${dbKind} (${process.env.DATABASE_URL ? "fresh DB on DATABASE_URL server" : "fresh DATA_DIR"}), RATE_LIMIT_API_PER_MINUTE=1e8, MAX_CONCURRENCY=256, in-process simulator (ttft 0, tps 0).`,
  );
  try {
    const api = new ApiClient(app.url);
    await api.signUp();
    const created = await api.post("/api/keys", { name: "bench", role: "admin" });
    if (created.status !== 201)
      throw new Error(`creating an API key failed: ${created.status} ${created.text}`);
    const key = (created.json as { key: string }).key;

    const gatewayUrl = `${app.url}/api/anthropic/v1/messages`;
    const simUrl = `${app.runtime.providerHandle.baseURL}/v1/messages`;
    const common = { "content-type": "application/json", "anthropic-version": "2023-06-01" };
    const gatewayBypass: Target = {
      url: gatewayUrl,
      headers: { ...common, "x-api-key": key, "x-ensemble-cache": "bypass" },
    };
    const direct: Target = { url: simUrl, headers: { ...common, "x-api-key": "simulator" } };
    const body = JSON.stringify({
      model: MODEL,
      max_tokens: 256,
      messages: [{ role: "user", content: "Gateway overhead bench: say something short." }],
    });

    // ---- 3a: overhead vs direct, non-streaming, cache bypass ----------------------------------
    for (const target of [direct, gatewayBypass]) await closedLoop(target, body, 4, 300); // warm-up
    const c1: Record<string, ReturnType<typeof summarize>> = {};
    const c64: Record<string, ReturnType<typeof summarize>> = {};
    const errors: Record<string, number> = {};
    // Interleaved blocks so that drift on the shared machine hits both sides alike.
    const raw1 = { direct: [] as number[], gateway: [] as number[] };
    for (let block = 0; block < 4; block++) {
      for (const [name, target] of [
        ["direct", direct],
        ["gateway", gatewayBypass],
      ] as const) {
        for (let i = 0; i < 200; i++) {
          const r = await call(target, body);
          raw1[name].push(r.ms);
          if (r.status !== 200) errors[`${name}.c1`] = (errors[`${name}.c1`] ?? 0) + 1;
        }
      }
    }
    c1.direct = summarize(raw1.direct);
    c1.gateway = summarize(raw1.gateway);
    for (const [name, target] of [
      ["direct", direct],
      ["gateway", gatewayBypass],
    ] as const) {
      const r = await closedLoop(target, body, 64, 3000);
      c64[name] = r.summary;
      errors[`${name}.c64`] = r.errors;
    }
    const added1 = c1.gateway!.p50 - c1.direct!.p50;
    const added64 = c64.gateway!.p50 - c64.direct!.p50;
    log(
      `3a c=1 direct p50 ${fmtMs(c1.direct!.p50)} p99 ${fmtMs(c1.direct!.p99)} | gateway p50 ${fmtMs(c1.gateway!.p50)} p99 ${fmtMs(c1.gateway!.p99)}`,
    );
    log(
      `3a c=64 direct p50 ${fmtMs(c64.direct!.p50)} p99 ${fmtMs(c64.direct!.p99)} | gateway p50 ${fmtMs(c64.gateway!.p50)} p99 ${fmtMs(c64.gateway!.p99)}`,
    );
    rows.push({
      id: "gw.overhead.c1",
      benchmark: "3a gateway added latency, bypass, non-streaming, c=1 (p50)",
      result: `+${fmtMs(added1)} (gateway ${fmtMs(c1.gateway!.p50)} / p99 ${fmtMs(c1.gateway!.p99)}; direct ${fmtMs(c1.direct!.p50)} / p99 ${fmtMs(c1.direct!.p99)})`,
      target: "< 1 ms",
      met: added1 < 1,
      value: added1,
      details: { direct: rounded(c1.direct!), gateway: rounded(c1.gateway!), errors },
    });
    rows.push({
      id: "gw.overhead.c64",
      benchmark: "3a gateway added latency, bypass, non-streaming, c=64 (p50)",
      result: `+${fmtMs(added64)} (gateway ${fmtMs(c64.gateway!.p50)} / p99 ${fmtMs(c64.gateway!.p99)}; direct ${fmtMs(c64.direct!.p50)} / p99 ${fmtMs(c64.direct!.p99)})`,
      target: "(info)",
      met: null,
      value: added64,
      details: { direct: rounded(c64.direct!), gateway: rounded(c64.gateway!), errors },
    });

    // ---- where a gateway request's time goes: the two database round trips every request makes --
    {
      const prisma = app.runtime.db.prisma;
      const { hashToken } = await import("@/lib/auth/tokens");
      const keyHash = hashToken(key);
      const record = await prisma.apiKey.findUnique({ where: { keyHash } });
      const timeIt = async (n: number, f: () => Promise<unknown>) => {
        const xs: number[] = [];
        for (let i = 0; i < n; i++) {
          const t = nowMs();
          await f();
          xs.push(nowMs() - t);
        }
        return summarize(xs.slice(n / 5));
      };
      const read = await timeIt(300, () => prisma.apiKey.findUnique({ where: { keyHash } }));
      const write = await timeIt(300, () =>
        prisma.gatewayRequest.create({
          data: {
            teamId: record!.teamId,
            apiKeyId: record!.id,
            model: MODEL,
            stream: false,
            status: 200,
            latencyMs: 1,
            inputTokens: 1,
            outputTokens: 1,
          },
        }),
      );
      log(
        `3x ${dbKind}: apiKey.findUnique p50 ${fmtMs(read.p50)}, gatewayRequest.create p50 ${fmtMs(write.p50)}`,
      );
      rows.push({
        id: "gw.db",
        // Since the key cache and the batched request log, neither is paid per request any more;
        // this shows what each would cost if it were (a cold key; one unbatched log row).
        benchmark: `3x DB round trips kept off the hot path on ${dbKind}: key read, log write (p50 each)`,
        result: `read ${fmtMs(read.p50)} + write ${fmtMs(write.p50)} (p99 ${fmtMs(read.p99)} / ${fmtMs(write.p99)})`,
        target: "(info)",
        met: null,
        value: read.p50 + write.p50,
        details: { apiKeyFindUnique: rounded(read), gatewayRequestCreate: rounded(write) },
      });
    }

    // ---- 3b: cache-hit throughput -------------------------------------------------------------
    const cachedBody = JSON.stringify({
      model: MODEL,
      max_tokens: 256,
      messages: [{ role: "user", content: "Gateway throughput bench: a cached answer." }],
    });
    const cachedTarget: Target = { url: gatewayUrl, headers: { ...common, "x-api-key": key } };
    const first = await call(cachedTarget, cachedBody);
    await app.runtime.cacheServices.cache.idle();
    const second = await call(cachedTarget, cachedBody);
    log(`3b prime: ${first.status} ${first.cache}, then ${second.status} ${second.cache}`);
    const simBefore = app.runtime.providerHandle.simulator?.stats().requests ?? 0;
    const load = await runLoad({
      url: gatewayUrl,
      headers: cachedTarget.headers,
      body: cachedBody,
      connections: 64,
      durationMs: 5000,
      warmupMs: 1000,
      expectHeader: ["x-ensemble-cache", "hit-memory"],
    });
    const simCalls = (app.runtime.providerHandle.simulator?.stats().requests ?? 0) - simBefore;
    const errs = load.errors + load.unexpectedHeader;
    log(
      `3b ${Math.round(load.rps)} req/s, ${load.errors} errors, ${load.unexpectedHeader} not hit-memory, p50 ${fmtMs(load.p50)} p99 ${fmtMs(load.p99)}; upstream calls ${simCalls}`,
    );
    rows.push({
      id: "gw.rps",
      benchmark:
        "3b gateway cache-hit throughput, 64 keep-alive clients, 5 s (separate load process)",
      result: `${Math.round(load.rps).toLocaleString("en-US")} req/s, ${errs} errors (p50 ${fmtMs(load.p50)}, p99 ${fmtMs(load.p99)})`,
      target: ">= 3,000 req/s, 0 errors",
      met: load.rps >= 3000 && errs === 0,
      value: load.rps,
      details: {
        ...load,
        upstreamCallsDuringLoad: simCalls,
        primeStatuses: [first.cache, second.cache],
      },
    });
  } finally {
    await app.close();
  }
  return { group: "gateway", rows, notes, durationMs: nowMs() - t0 };
}
