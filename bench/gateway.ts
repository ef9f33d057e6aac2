/**
 * Gateway benchmarks through the server as users start it (`npm run serve`: server.mjs on a
 * production build), against a fake Anthropic upstream with a fixed 50 ms latency
 * (tests/fixtures/recording-upstream, configured as ANTHROPIC_BASE_URL), direct-to-upstream and
 * through the gateway in the same run:
 * on the embedded defaults, and also on Postgres + Redis when BENCH_GATEWAY_DB=postgres.
 *
 *   miss c=1     added p50 / p99 over direct            ≤ 2 / ≤ 5 ms
 *   miss c=64    req/s ≥ 700, added p50 / p99 ≤ 30 / ≤ 60 ms, 0 errors (30 s: also the RSS run)
 *   hit c=64     req/s ≥ 2,000, p99 ≤ 40 ms, 0 errors
 *   100 identical concurrent requests → 1 upstream call, 100 identical bodies (id aside)
 *   server RSS after 30 s at c=64 ≤ idle + 150 MB
 *
 * Beside direct, the misses are also measured through bench/bare-proxy.mjs (node:http in, undici
 * out, nothing else): the floor a Node proxy costs on this machine, printed with each miss row.
 *
 * Misses are unique prompts at `temperature: 0` (cacheable, so a miss pays for storing its answer);
 * hits replay one. Load: bench/pool-load.mjs (undici Pool, keep-alive) in its own process.
 */
import { Pool } from "undici";
import { jsonMessage, textStream } from "../tests/fixtures/anthropic-frames";
import {
  startRecordingUpstream,
  type RecordingUpstream,
} from "../tests/fixtures/recording-upstream";
import {
  type BenchServer,
  type Deployment,
  ensureBuild,
  reachable,
  startBareProxy,
  startBenchServer,
} from "./gateway-server";
import {
  type Ctx,
  MODEL,
  coalesce,
  type LoadResult,
  type Target,
  body,
  load,
  once,
  ratio,
  signed,
} from "./gateway-load";
import { fmtMB, fmtMs, log, nowMs, rounded, summarize, type GroupResult, type Row } from "./util";

const UPSTREAM_LATENCY_MS = 50;
const COMMON = { "content-type": "application/json", "anthropic-version": "2023-06-01" };

/** Miss, c=1: interleaved blocks so that drift on a shared machine hits both sides alike. */
async function missC1(ctx: Ctx): Promise<Row[]> {
  const c1 = { direct: [] as number[], gateway: [] as number[], bare: [] as number[] };
  let errors = 0;
  for (let block = 0; block < 3; block++) {
    for (const side of ["direct", "bare", "gateway"] as const) {
      for (let i = 0; i < 80; i++) {
        const r = await once(ctx.pools[side], ctx[side], body(ctx.prompt("c1")));
        c1[side].push(r.ms);
        if (r.status !== 200) errors++;
      }
    }
  }
  const d = summarize(c1.direct);
  const g = summarize(c1.gateway);
  const b = summarize(c1.bare);
  log(
    `${ctx.tag} miss c=1: direct p50 ${fmtMs(d.p50)} p99 ${fmtMs(d.p99)} | bare proxy p50 ${fmtMs(b.p50)} p99 ${fmtMs(b.p99)} | gateway p50 ${fmtMs(g.p50)} p99 ${fmtMs(g.p99)} | errors ${errors}`,
  );
  return (
    [
      ["p50", 2],
      ["p99", 5],
    ] as const
  ).map(([p, target]) => {
    const added = g[p] - d[p];
    return {
      id: `gw.${ctx.tag}.miss.c1.${p}`,
      benchmark: `gateway miss c=1, added ${p} [${ctx.tag}]`,
      result: `${signed(added)} (gateway ${fmtMs(g[p])}, direct ${fmtMs(d[p])}; ${ratio(g[p], d[p])}; a bare proxy ${signed(b[p] - d[p])})${errors ? `, ${errors} errors` : ""}`,
      target: `<= ${target} ms`,
      met: added <= target && errors === 0,
      value: added,
      details: { direct: rounded(d), gateway: rounded(g), bareProxy: rounded(b), errors },
    };
  });
}

/** Miss, c=64: direct for 6 s, then the gateway for 30 s, which is also the memory run. */
async function missC64(ctx: Ctx, idleRss: number): Promise<{ rows: Row[]; direct: LoadResult }> {
  const { tag, server } = ctx;
  const d = await load(ctx.direct, body(ctx.prompt("c64") + " {{n}}"), 64, 6000);
  const b = await load(ctx.bare, body(ctx.prompt("c64") + " {{n}}"), 64, 6000);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.rss())), 1000);
  const g = await load(ctx.gateway, body(ctx.prompt("c64") + " {{n}}"), 64, 30_000);
  const loadedRss = server.rss();
  clearInterval(sampler);
  peakRss = Math.max(peakRss, loadedRss);
  log(
    `${tag} miss c=64: direct ${Math.round(d.rps)} req/s p50 ${fmtMs(d.p50)} p99 ${fmtMs(d.p99)} | bare proxy ${Math.round(b.rps)} req/s p50 ${fmtMs(b.p50)} p99 ${fmtMs(b.p99)} | gateway ${Math.round(g.rps)} req/s p50 ${fmtMs(g.p50)} p99 ${fmtMs(g.p99)} errors ${g.errors} ${JSON.stringify(g.cache)}`,
  );
  const rows: Row[] = [
    {
      id: `gw.${tag}.miss.c64.rps`,
      benchmark: `gateway miss c=64, throughput (30 s) [${tag}]`,
      result: `${Math.round(g.rps).toLocaleString("en-US")} req/s (direct ${Math.round(d.rps).toLocaleString("en-US")}; ${ratio(g.rps, d.rps)}; a bare proxy ${Math.round(b.rps).toLocaleString("en-US")})`,
      target: ">= 700 req/s",
      met: g.rps >= 700,
      value: g.rps,
      details: { direct: d, gateway: g, bareProxy: b },
    },
  ];
  for (const [p, target] of [
    ["p50", 30],
    ["p99", 60],
  ] as const) {
    const added = g[p] - d[p];
    rows.push({
      id: `gw.${tag}.miss.c64.${p}`,
      benchmark: `gateway miss c=64, added ${p} [${tag}]`,
      result: `${signed(added)} (gateway ${fmtMs(g[p])}, direct ${fmtMs(d[p])}; ${ratio(g[p], d[p])}; a bare proxy ${signed(b[p] - d[p])})`,
      target: `<= ${target} ms`,
      met: added <= target,
      value: added,
    });
  }
  const grown = loadedRss - idleRss;
  rows.push(
    {
      id: `gw.${tag}.miss.c64.errors`,
      benchmark: `gateway miss c=64, errors [${tag}]`,
      result: `${g.errors} of ${g.ok + g.errors} (statuses ${JSON.stringify(g.statuses)}; direct ${d.errors})`,
      target: "0",
      met: g.errors === 0,
      value: g.errors,
    },
    {
      id: `gw.${tag}.rss`,
      benchmark: `server RSS after 30 s at c=64 vs idle [${tag}]`,
      result: `${grown >= 0 ? "+" : ""}${fmtMB(grown)} (idle ${fmtMB(idleRss)}, after ${fmtMB(loadedRss)}, peak ${fmtMB(peakRss)})`,
      target: "<= +150 MB",
      met: grown <= 150 * 1024 * 1024,
      value: grown,
    },
  );
  return { rows, direct: d };
}

/** Hit, c=64: one cacheable prompt, primed, then replayed for 6 s. */
async function hits(ctx: Ctx, direct: LoadResult): Promise<Row[]> {
  const { tag, upstream } = ctx;
  const hitBody = body(ctx.prompt("hit"));
  const first = await once(ctx.pools.gateway, ctx.gateway, hitBody);
  await new Promise((r) => setTimeout(r, 500)); // the store is written after the answer
  const second = await once(ctx.pools.gateway, ctx.gateway, hitBody);
  const callsBefore = upstream.calls;
  const hit = await load(ctx.gateway, hitBody, 64, 6000);
  const upstreamCalls = upstream.calls - callsBefore;
  log(
    `${tag} hit c=64: prime ${first.cache} → ${second.cache}; ${Math.round(hit.rps)} req/s p50 ${fmtMs(hit.p50)} p99 ${fmtMs(hit.p99)} ${JSON.stringify(hit.cache)}, upstream calls ${upstreamCalls}`,
  );
  return [
    {
      id: `gw.${tag}.hit.c64.rps`,
      benchmark: `gateway hit c=64, throughput [${tag}]`,
      result: `${Math.round(hit.rps).toLocaleString("en-US")} req/s, ${hit.errors} errors (${JSON.stringify(hit.cache)}; ${ratio(hit.rps, direct.rps)} miss rps)`,
      target: ">= 2,000 req/s, 0 errors",
      met: hit.rps >= 2000 && hit.errors === 0,
      value: hit.rps,
      details: {
        ...hit,
        upstreamCallsDuringLoad: upstreamCalls,
        prime: [first.cache, second.cache],
      },
    },
    {
      id: `gw.${tag}.hit.c64.p99`,
      benchmark: `gateway hit c=64, p99 [${tag}]`,
      result: `${fmtMs(hit.p99)} (p50 ${fmtMs(hit.p50)}; ${ratio(hit.p99, direct.p99)} miss p99)`,
      target: "<= 40 ms",
      met: hit.p99 <= 40,
      value: hit.p99,
    },
  ];
}

/** All measurements for one deployment; rows are labelled with `tag`. */
async function measure(
  server: BenchServer,
  upstream: RecordingUpstream,
  bareOrigin: string,
  tag: string,
): Promise<Row[]> {
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
  const bare: Target = { origin: bareOrigin, path: "/v1/messages", headers: COMMON };
  const run = `${Date.now().toString(36)}-${tag}`;
  let n = 0;
  const ctx: Ctx = {
    server,
    upstream,
    tag,
    direct,
    gateway,
    bare,
    pools: {
      direct: new Pool(direct.origin, { connections: 128 }),
      gateway: new Pool(gateway.origin, { connections: 128 }),
      bare: new Pool(bare.origin, { connections: 128 }),
    },
    prompt: (kind) => `Gateway bench ${kind} ${run} ${n++}: say something short.`,
  };
  try {
    // Warm-up: JIT, the key cache, connection pools.
    for (let i = 0; i < 30; i++) {
      await once(ctx.pools.direct, direct, body(ctx.prompt("warm")));
      await once(ctx.pools.gateway, gateway, body(ctx.prompt("warm")));
      await once(ctx.pools.bare, bare, body(ctx.prompt("warm")));
    }
    const idleRss = server.rss();
    const rows = await missC1(ctx);
    const c64 = await missC64(ctx, idleRss);
    rows.push(...c64.rows, ...(await hits(ctx, c64.direct)), await coalesce(ctx));
    return rows;
  } finally {
    await ctx.pools.direct.close();
    await ctx.pools.gateway.close();
    await ctx.pools.bare.close();
  }
}

export async function gatewayGroup(): Promise<GroupResult> {
  const t0 = nowMs();
  const notes: string[] = [];
  const rows: Row[] = [];
  const build = await ensureBuild();
  const upstream = await startRecordingUpstream({
    latencyMs: UPSTREAM_LATENCY_MS,
    record: false,
    // The same answer as JSON or as SSE, whichever the caller asked for (a gateway may stream
    // upstream even for a non-streamed client call).
    reply: (r) => {
      const o = { id: `msg_bench_${r.index}`, model: MODEL };
      return /"stream"\s*:\s*true/.test(r.text)
        ? { sse: textStream(["Hi! My name ", "is Claude."], o) }
        : { json: jsonMessage(o) };
    },
  });
  const bare = await startBareProxy(upstream.url);
  const deployments: Deployment[] = [{ kind: "embedded" }];
  if (process.env.BENCH_GATEWAY_DB === "postgres") {
    const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
    const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
    deployments.push({
      kind: "postgres",
      databaseUrl,
      redisUrl: (await reachable(redisUrl, 6379)) ? redisUrl : undefined,
    });
  }
  try {
    for (const deployment of deployments) {
      const server = await startBenchServer(deployment, upstream.url);
      const tag =
        deployment.kind === "embedded" ? "embedded" : deployment.redisUrl ? "pg+redis" : "pg";
      notes.push(
        `gateway [${tag}]: npm run serve (server.mjs, ${build}) on ${server.describe}; upstream = recording fake, fixed ${UPSTREAM_LATENCY_MS} ms, canned JSON; RATE_LIMIT_API_PER_MINUTE=1e8, MAX_CONCURRENCY=256; load = undici Pool in a separate process.`,
      );
      try {
        rows.push(...(await measure(server, upstream, bare.url, tag)));
      } finally {
        await server.close();
      }
    }
  } finally {
    bare.close();
    await upstream.close();
  }
  return { group: "gateway", rows, notes, durationMs: nowMs() - t0 };
}
