/**
 * Response-cache benchmarks: L1 hit latency, L2 hit latency (Postgres when reachable, else
 * PGlite), hit vs miss on a 2 s upstream call, and single-flight coalescing.
 */
import pg from "pg";
import {
  ResponseCache,
  cacheKey,
  createCachedCaller,
  createMemoryCache,
  createPrismaL2Store,
  createStatsAggregator,
  type L2Store,
  type StoredEntry,
  responseFromEvents,
} from "@/lib/cache";
import type { CacheStatus, ModelCaller, ModelRequest } from "@/lib/llm/types";
import { createAnthropicProvider } from "@/lib/llm/anthropic-provider";
import { startSimulator, type Simulator } from "@/lib/llm/simulator";
import { openDatabase, type Database } from "@/lib/db/open-database";
import { fmtMs, log, nowMs, rounded, summarize, tick, type GroupResult, type Row } from "./util";

const MODEL = "claude-sonnet-4-6";
const SECRET = "bench-secret-0123456789abcdef0123456789abcdef";
const TEAM = "team-bench";
export const DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

const quiet = {
  warn: () => {},
  error: (m: string, f?: unknown) => log(`cache error: ${m} ${JSON.stringify(f)}`),
};

/** An in-memory L2, so that L1 / coalescing numbers do not include a database. */
function mapL2(): L2Store {
  const rows = new Map<string, StoredEntry>();
  return {
    get: async (key) => rows.get(key) ?? null,
    put: async (entry) => void rows.set(entry.key, entry),
    delete: async (key) => void rows.delete(key),
    touch: async (key, at) => {
      const row = rows.get(key);
      if (row) {
        row.hitCount += 1;
        row.lastHitAt = at;
      }
    },
  };
}

function providerCaller(sim: Simulator): ModelCaller {
  const provider = createAnthropicProvider({
    apiKey: "simulator",
    baseURL: sim.url,
    kind: "simulator",
  });
  return (request, context) => provider.stream(request, context);
}

const request = (content: string, system = "You are a terse benchmark agent."): ModelRequest => ({
  model: MODEL,
  system,
  messages: [{ role: "user", content }],
  temperature: 0,
  max_tokens: 512,
});

function newCache(l2: L2Store, l1 = createMemoryCache()) {
  const cache = new ResponseCache({
    l1,
    l2,
    secret: SECRET,
    stats: createStatsAggregator(),
    defaultTtlSeconds: 3600,
    logger: quiet,
  });
  return { cache, l1 };
}

/** Time from call to the last event consumed; returns ms and the status reported. */
async function timedStream(
  cache: ResponseCache,
  req: ModelRequest,
  compute: ModelCaller,
): Promise<{ ms: number; status: CacheStatus | undefined; events: number }> {
  let status: CacheStatus | undefined;
  let events = 0;
  const t0 = nowMs();
  const caller = createCachedCaller(cache, (r, ctx) => responseFromEvents(compute(r, ctx)));
  for await (const _ of caller(req, {
    teamId: TEAM,
    cache: { mode: "default" },
    onCacheStatus: (s) => (status = s),
  })) {
    events += 1;
  }
  return { ms: nowMs() - t0, status, events };
}

/** Is a Postgres server reachable at url? (2 s connect timeout.) */
export async function postgresReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function l2Bench(
  kind: "postgres" | "pglite",
  caller: ModelCaller,
  iterations: number,
): Promise<{
  summary: ReturnType<typeof summarize>;
  statuses: Record<string, number>;
  label: string;
}> {
  let db: Database;
  let drop: (() => Promise<void>) | undefined;
  let label: string;
  if (kind === "postgres") {
    // tests/helpers/db.ts reads DATABASE_URL when first imported.
    const { createServerDatabase } = await import("../tests/helpers/db");
    const server = await createServerDatabase();
    drop = server.drop;
    db = await openDatabase({ databaseUrl: server.url });
    label = `Postgres (${new URL(server.url).host}, fresh database)`;
  } else {
    db = await openDatabase({ pgliteDir: "memory://" });
    label = "PGlite (in-process, memory://)";
  }
  try {
    // Cache rows belong to a team (foreign key).
    await db.prisma.team.create({ data: { id: TEAM, name: "Bench team" } });
    const l2 = createPrismaL2Store(db.prisma, { maxEntries: 100_000, maxBytes: 1024 ** 3 });
    const { cache, l1 } = newCache(l2);
    const req = request(`L2 bench on ${kind}: explain write-ahead logging.`);
    const miss = await timedStream(cache, req, caller);
    await cache.idle(); // the L2 put happens in the background
    if (miss.status !== "miss") log(`L2 prime: expected miss, got ${miss.status}`);
    if ((await l2.get(cacheKey(req, { tenant: TEAM }))) === null)
      throw new Error(`L2 (${kind}) has no row after priming`);
    const samples: number[] = [];
    const statuses: Record<string, number> = {};
    const warmup = Math.min(200, iterations / 5);
    for (let i = 0; i < warmup + iterations; i++) {
      l1.clear(); // every read must go to L2
      const r = await timedStream(cache, req, caller);
      statuses[r.status ?? "?"] = (statuses[r.status ?? "?"] ?? 0) + 1;
      if (i >= warmup) samples.push(r.ms);
      // The hit's background touch (hitCount/lastHitAt UPDATE) is awaited outside the timed window.
      await cache.idle();
    }
    return { summary: summarize(samples), statuses, label };
  } finally {
    await db.close();
    await drop?.();
  }
}

export async function cacheGroup(): Promise<GroupResult> {
  const t0 = nowMs();
  const rows: Row[] = [];
  const notes: string[] = [];

  const sim0 = await startSimulator({ latencyMs: 0, ttftMs: 0, tokensPerSecond: 0 });
  const caller0 = providerCaller(sim0);

  // ---- 2a: L1 hit --------------------------------------------------------------------------
  {
    const { cache } = newCache(mapL2());
    const req = request("L1 bench: what is an LRU cache?");
    const prime = await timedStream(cache, req, caller0);
    await cache.idle();
    const N = 10_000;
    const samples: number[] = [];
    const statuses: Record<string, number> = {};
    for (let i = 0; i < 2_000 + N; i++) {
      const r = await timedStream(cache, req, caller0);
      statuses[r.status ?? "?"] = (statuses[r.status ?? "?"] ?? 0) + 1;
      if (i >= 2_000) samples.push(r.ms);
      if (i % 500 === 0) await tick();
    }
    const s = summarize(samples);
    log(`2a L1 hit p50 ${fmtMs(s.p50)} p99 ${fmtMs(s.p99)} (${prime.events} events/replay)`);
    rows.push({
      id: "cache.l1",
      benchmark: `2a cache L1 hit via ResponseCache.stream (${N} iters, ${prime.events} events)`,
      result: `p50 ${fmtMs(s.p50)}, p99 ${fmtMs(s.p99)}`,
      target: "p50 < 50 µs",
      met: s.p50 < 0.05,
      value: s.p50,
      details: { summaryMs: rounded(s, 5), statuses, eventsPerReplay: prime.events },
    });
  }

  // ---- 2b: L2 hit ----------------------------------------------------------------------------
  {
    const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? DEFAULT_PG_URL;
    const reachable = await postgresReachable(url);
    const kinds: ("postgres" | "pglite")[] = reachable ? ["postgres", "pglite"] : ["pglite"];
    if (reachable) process.env.DATABASE_URL = url;
    else notes.push(`Postgres not reachable at ${new URL(url).host}; 2b used PGlite only.`);
    for (const kind of kinds) {
      const r = await l2Bench(kind, caller0, kind === "postgres" ? 1000 : 500);
      const primary = kind === kinds[0];
      log(
        `2b L2 hit on ${r.label}: p50 ${fmtMs(r.summary.p50)} p99 ${fmtMs(r.summary.p99)} ${JSON.stringify(r.statuses)}`,
      );
      rows.push({
        id: `cache.l2.${kind}`,
        benchmark: `2b cache L2 hit, L1 cleared each time — ${r.label}`,
        result: `p50 ${fmtMs(r.summary.p50)}, p99 ${fmtMs(r.summary.p99)}`,
        target: primary ? "p50 < 2 ms" : "(info)",
        met: primary ? r.summary.p50 < 2 : null,
        value: r.summary.p50,
        details: { summaryMs: rounded(r.summary, 4), statuses: r.statuses },
      });
    }
  }
  await sim0.close();

  // ---- 2c: hit vs miss on a 2 s call ------------------------------------------------------------
  {
    const sim = await startSimulator({ latencyMs: 2000, ttftMs: 0, tokensPerSecond: 0 });
    const caller = providerCaller(sim);
    const { cache } = newCache(mapL2());
    const req = request("Hit vs miss: describe a slow upstream.");
    const miss = await timedStream(cache, req, caller);
    await cache.idle();
    const hits: number[] = [];
    for (let i = 0; i < 1_000 + 5_000; i++) {
      const r = await timedStream(cache, req, caller);
      if (i >= 1_000) hits.push(r.ms);
    }
    await sim.close();
    const h = summarize(hits);
    const speedup = miss.ms / h.p50;
    log(
      `2c miss ${fmtMs(miss.ms)} (${miss.status}) vs hit p50 ${fmtMs(h.p50)}: ${speedup.toFixed(0)}x`,
    );
    rows.push({
      id: "cache.speedup",
      benchmark: "2c cache hit vs miss on a simulated 2 s call (L1 hit p50)",
      result: `${Math.round(speedup).toLocaleString("en-US")}x (miss ${fmtMs(miss.ms)}, hit ${fmtMs(h.p50)})`,
      target: "> 500x",
      met: speedup > 500,
      value: speedup,
      details: { missMs: miss.ms, missStatus: miss.status, hitSummaryMs: rounded(h, 5) },
    });
  }

  // ---- 2d: coalescing ---------------------------------------------------------------------------
  {
    const sim = await startSimulator({ latencyMs: 200, ttftMs: 0, tokensPerSecond: 0 });
    const provider = providerCaller(sim);
    let upstreamCalls = 0;
    const counted: ModelCaller = (req, ctx) => {
      upstreamCalls += 1;
      return provider(req, ctx);
    };
    // One warm-up call so the first round does not pay for connection setup alone.
    for await (const _ of provider(request("warm-up"), {})) void _;
    for (const N of [100, 1000]) {
      const { cache } = newCache(mapL2());
      const caller = createCachedCaller(cache, (r, ctx) => responseFromEvents(counted(r, ctx)));
      const req = request(`Coalescing round of ${N}: explain single-flight.`);
      upstreamCalls = 0;
      const simBefore = sim.stats().requests;
      const statuses: Record<string, number> = {};
      let completed = 0;
      const started = nowMs();
      await Promise.all(
        Array.from({ length: N }, async () => {
          let status: CacheStatus | undefined;
          let stopped = false;
          for await (const e of caller(req, { teamId: TEAM, onCacheStatus: (s) => (status = s) })) {
            if (e.type === "message_stop") stopped = true;
          }
          if (stopped) completed += 1;
          statuses[status ?? "?"] = (statuses[status ?? "?"] ?? 0) + 1;
        }),
      );
      const wall = nowMs() - started;
      await cache.idle();
      const simCalls = sim.stats().requests - simBefore;
      log(
        `2d N=${N}: upstream ${upstreamCalls} (sim saw ${simCalls}), wall ${fmtMs(wall)} ${JSON.stringify(statuses)}`,
      );
      if (completed !== N) notes.push(`2d N=${N}: only ${completed} streams completed`);
      rows.push({
        id: `cache.coalesce.${N}`,
        benchmark: `2d coalescing: ${N} identical concurrent requests, 200 ms upstream`,
        result: `${simCalls} upstream call(s), wall ${fmtMs(wall)}, ${completed}/${N} complete`,
        target: "1 upstream call",
        met: simCalls === 1 && completed === N,
        value: simCalls,
        details: {
          upstreamComputeCalls: upstreamCalls,
          simulatorRequests: simCalls,
          wallMs: wall,
          statuses,
        },
      });
    }
    await sim.close();
  }

  return { group: "cache", rows, notes, durationMs: nowMs() - t0 };
}
