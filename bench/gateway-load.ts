/** The gateway bench's vocabulary: request bodies, a load process, one request in-process, the coalescing check. */
import { spawn } from "node:child_process";
import path from "node:path";
import type { Pool } from "undici";
import type { RecordingUpstream } from "../tests/fixtures/recording-upstream";
import type { BenchServer } from "./gateway-server";
import { fmtMs, log, nowMs, type Row } from "./util";

export const MODEL = "claude-sonnet-4-6";

/** A Messages body at temperature 0: cacheable under the documented policy. */
export const body = (prompt: string) =>
  JSON.stringify({
    model: MODEL,
    max_tokens: 256,
    temperature: 0,
    messages: [{ role: "user", content: prompt }],
  });

/** "1.27x direct": how a figure compares with the same figure measured direct-to-upstream. */
export const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x direct`;
export const signed = (ms: number) => `${ms >= 0 ? "+" : "−"}${fmtMs(Math.abs(ms))}`;

export interface Target {
  origin: string;
  path: string;
  headers: Record<string, string>;
}

export interface LoadResult {
  ok: number;
  errors: number;
  /** Requests answered, warm-up included. */
  completed: number;
  statuses: Record<string, number>;
  cache: Record<string, number>;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function load(
  target: Target,
  requestBody: string,
  connections: number,
  durationMs: number,
): Promise<LoadResult> {
  const config = {
    ...target,
    body: requestBody,
    connections,
    durationMs,
    warmupMs: 1000,
    cacheHeader: "x-ensemble-cache",
  };
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.resolve("bench/pool-load.mjs"), JSON.stringify(config)],
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

/** One request over a keep-alive pool; latency and the answer. */
export async function once(pool: Pool, target: Target, requestBody: string) {
  const t0 = nowMs();
  const res = await pool.request({
    path: target.path,
    method: "POST",
    headers: target.headers,
    body: requestBody,
  });
  const text = await res.body.text();
  return { ms: nowMs() - t0, status: res.statusCode, text, cache: res.headers["x-ensemble-cache"] };
}

/** What every phase of one deployment's run shares. */
export interface Ctx {
  server: BenchServer;
  upstream: RecordingUpstream;
  tag: string;
  direct: Target;
  gateway: Target;
  /** bench/bare-proxy.mjs in front of the same upstream: the floor a proxy costs here. */
  bare: Target;
  pools: { direct: Pool; gateway: Pool; bare: Pool };
  /** A fresh prompt (never sent before in this run). */
  prompt(kind: string): string;
}

/** 100 identical concurrent requests: how many reach the upstream, how many answers agree. */
export async function coalesce(ctx: Ctx): Promise<Row> {
  const sameBody = body(ctx.prompt("coalesce"));
  const before = ctx.upstream.calls;
  const answers = await Promise.all(
    Array.from({ length: 100 }, () => once(ctx.pools.gateway, ctx.gateway, sameBody)),
  );
  const upstreamCalls = ctx.upstream.calls - before;
  const counts = new Map<string, number>();
  const statuses: Record<string, number> = {};
  for (const a of answers) {
    const key = `${a.status} ${a.text.replace(/"id"\s*:\s*"[^"]*"/, '"id":""')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    statuses[a.status] = (statuses[a.status] ?? 0) + 1;
  }
  const identical = Math.max(...counts.values());
  log(
    `${ctx.tag} 100 identical: upstream calls ${upstreamCalls}, identical bodies ${identical}, statuses ${JSON.stringify(statuses)}`,
  );
  return {
    id: `gw.${ctx.tag}.coalesce`,
    benchmark: `100 identical concurrent requests: upstream calls, identical bodies (id aside) [${ctx.tag}]`,
    result: `${upstreamCalls} call(s), ${identical} identical (statuses ${JSON.stringify(statuses)})`,
    target: "1 call, 100 identical",
    met: upstreamCalls === 1 && identical === 100 && statuses["200"] === 100,
    value: upstreamCalls,
    // When they differ, how: each distinct answer once, with how many got it.
    details: {
      variants: [...counts].map(([answer, count]) => ({ count, answer: answer.slice(0, 600) })),
    },
  };
}
