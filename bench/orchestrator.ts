/**
 * Orchestrator benchmarks: parallel vs chain wall time through the real SDK + simulator,
 * per-step scheduling overhead (fake caller and simulator), and memory under 200 streams.
 */
import { createAnthropicProvider } from "@/lib/llm/anthropic-provider";
import { startSimulator, type Simulator } from "@/lib/llm/simulator";
import type { ModelCaller, ModelRequest, ModelStreamEvent } from "@/lib/llm/types";
import {
  createFairSemaphore,
  createSemaphore,
  runPlan,
  type AgentSnapshot,
  type Plan,
  type RunEvent,
} from "@/lib/orchestrator";
import { fmtMB, fmtMs, gc, log, nowMs, sleep, summarize, type GroupResult, type Row } from "./util";

const MODEL = "claude-sonnet-4-6";

const agents = (n: number, system = "You are a terse benchmark agent."): AgentSnapshot[] =>
  Array.from({ length: n }, (_, i) => ({
    name: `agent-${i + 1}`,
    model: MODEL,
    system,
    temperature: 0,
    maxTokens: 256,
  }));

interface RunTally {
  wallMs: number;
  status: string;
  events: number;
  stepsOk: number;
  stepsFailed: number;
}

async function runOnce(
  plan: Plan,
  caller: ModelCaller,
  runConcurrency: number,
  onEvent?: (event: RunEvent) => void,
): Promise<RunTally> {
  // As the app does: the process-wide pool is fair across teams; a run sees its team's view.
  const semaphore = createFairSemaphore({ limit: Math.max(runConcurrency, 16) }).forTenant({
    teamId: "bench",
  });
  const started = nowMs();
  let status = "?";
  let events = 0;
  let stepsOk = 0;
  let stepsFailed = 0;
  for await (const event of runPlan(plan, {
    runId: `bench-${Math.random().toString(36).slice(2)}`,
    caller,
    semaphore,
    runConcurrency,
    maxAttempts: 1,
  })) {
    events += 1;
    onEvent?.(event);
    if (event.type === "step-end") stepsOk += 1;
    else if (event.type === "step-error") stepsFailed += 1;
    else if (event.type === "run-end") status = event.status;
  }
  return { wallMs: nowMs() - started, status, events, stepsOk, stepsFailed };
}

/** A ModelCaller that answers instantly with a few events: what is left is orchestrator time. */
const fakeCaller: ModelCaller = async function* (request: ModelRequest) {
  const usage = { input_tokens: 10, output_tokens: 1 };
  yield {
    type: "message_start",
    message: {
      id: "msg_fake",
      type: "message",
      role: "assistant",
      model: request.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage,
    },
  } as unknown as ModelStreamEvent;
  yield {
    type: "content_block_start",
    index: 0,
    content_block: { type: "text", text: "" },
  } as unknown as ModelStreamEvent;
  for (const text of ["Hello", ", ", "world."]) {
    yield {
      type: "content_block_delta",
      index: 0,
      delta: { type: "text_delta", text },
    } as unknown as ModelStreamEvent;
  }
  yield { type: "content_block_stop", index: 0 } as unknown as ModelStreamEvent;
  yield {
    type: "message_delta",
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: 4 },
  } as unknown as ModelStreamEvent;
  yield { type: "message_stop" } as unknown as ModelStreamEvent;
};

function providerCaller(sim: Simulator): ModelCaller {
  const provider = createAnthropicProvider({
    apiKey: "simulator",
    baseURL: sim.url,
    kind: "simulator",
  });
  return (request, context) => provider.stream(request, context);
}

const median = (xs: number[]) => summarize(xs).p50;

export async function orchestratorGroup(): Promise<GroupResult> {
  const t0 = nowMs();
  const rows: Row[] = [];
  const notes: string[] = [];

  // ---- 1a: 10 agents x 1 s latency, parallel vs chain -------------------------------------
  {
    const sim = await startSimulator({ latencyMs: 1000 });
    const caller = providerCaller(sim);
    const task = "Summarise the benefits of caching in two sentences.";
    // Warm-up: JIT, SDK client, keep-alive sockets.
    await runOnce({ mode: "parallel", task: "warm-up", agents: agents(10) }, caller, 10);
    const parallel: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await runOnce({ mode: "parallel", task, agents: agents(10) }, caller, 10);
      if (r.status !== "succeeded") notes.push(`1a parallel run ${i} ended ${r.status}`);
      parallel.push(r.wallMs);
    }
    const chain = await runOnce({ mode: "chain", task, agents: agents(10) }, caller, 10);
    if (chain.status !== "succeeded") notes.push(`1a chain run ended ${chain.status}`);
    await sim.close();
    const p = median(parallel);
    const speedup = chain.wallMs / p;
    log(`1a parallel ${parallel.map(fmtMs).join(", ")}; chain ${fmtMs(chain.wallMs)}`);
    rows.push({
      id: "orch.parallel",
      benchmark: "1a orchestrator: 10 agents x 1 s, parallel wall (median of 3)",
      result: fmtMs(p),
      target: "<= 1.15 s",
      met: p <= 1150,
      value: p,
      details: { parallelRunsMs: parallel, runConcurrency: 10 },
    });
    rows.push({
      id: "orch.speedup",
      benchmark: "1a orchestrator: chain / parallel speed-up",
      result: `${speedup.toFixed(2)}x (chain ${fmtMs(chain.wallMs)})`,
      target: ">= 8.7x",
      met: speedup >= 8.7,
      value: speedup,
      details: { chainMs: chain.wallMs },
    });
  }

  // ---- 1b: per-step overhead -----------------------------------------------------------------
  {
    const N = 1000;
    const task = "Say hello.";
    // Pure orchestrator overhead: fake caller, sequential (concurrency 1) and concurrent (64).
    for (let i = 0; i < 2; i++)
      await runOnce({ mode: "parallel", task, agents: agents(N) }, fakeCaller, 64); // warm-up
    const seq: number[] = [];
    const con: number[] = [];
    for (let i = 0; i < 3; i++) {
      seq.push(
        (await runOnce({ mode: "parallel", task, agents: agents(N) }, fakeCaller, 1)).wallMs / N,
      );
      con.push(
        (await runOnce({ mode: "parallel", task, agents: agents(N) }, fakeCaller, 64)).wallMs / N,
      );
    }
    const chain =
      (await runOnce({ mode: "chain", task, agents: agents(N) }, fakeCaller, 1)).wallMs / N;
    log(
      `1b fake: seq ${seq.map(fmtMs).join(", ")} / con ${con.map(fmtMs).join(", ")} / chain ${fmtMs(chain)}`,
    );
    const pure = median(seq);
    rows.push({
      id: "orch.overhead.fake",
      benchmark: `1b orchestrator overhead/step, fake caller (${N} steps, conc. 1)`,
      result: fmtMs(pure),
      target: "< 1 ms",
      met: pure < 1,
      value: pure,
      details: { perStepSeqMs: seq, perStepConc64Ms: con, perStepChainMs: chain },
    });
    rows.push({
      id: "orch.overhead.fake.c64",
      benchmark: `1b orchestrator overhead/step, fake caller (${N} steps, conc. 64)`,
      result: fmtMs(median(con)),
      target: "(info)",
      met: null,
      value: median(con),
    });

    // End to end through the SDK + simulator at zero latency, and the raw provider for comparison.
    const sim = await startSimulator({ latencyMs: 0, ttftMs: 0, tokensPerSecond: 0 });
    const caller = providerCaller(sim);
    const request: ModelRequest = {
      model: MODEL,
      system: "You are a terse benchmark agent.",
      messages: [{ role: "user", content: `<task>\n${task}\n</task>` }],
      temperature: 0,
      max_tokens: 256,
    };
    const raw = async (n: number) => {
      const started = nowMs();
      for (let i = 0; i < n; i++) {
        for await (const _ of caller(request, {})) void _;
      }
      return (nowMs() - started) / n;
    };
    await raw(200); // warm-up
    await runOnce({ mode: "parallel", task, agents: agents(200) }, caller, 1);
    const rawPerCall: number[] = [];
    const e2ePerStep: number[] = [];
    for (let i = 0; i < 2; i++) {
      rawPerCall.push(await raw(N));
      e2ePerStep.push(
        (await runOnce({ mode: "parallel", task, agents: agents(N) }, caller, 1)).wallMs / N,
      );
    }
    await sim.close();
    const rawMs = median(rawPerCall);
    const e2e = median(e2ePerStep);
    log(
      `1b sim: raw ${rawPerCall.map(fmtMs).join(", ")} / e2e ${e2ePerStep.map(fmtMs).join(", ")}`,
    );
    rows.push({
      id: "orch.overhead.sim",
      benchmark: `1b orchestrator e2e/step via SDK+simulator @0 ms (${N} steps, conc. 1)`,
      result: `${fmtMs(e2e)} (raw call ${fmtMs(rawMs)}; added ${fmtMs(e2e - rawMs)})`,
      target: "added < 1 ms",
      met: e2e - rawMs < 1,
      value: e2e - rawMs,
      details: { e2ePerStepMs: e2ePerStep, rawProviderPerCallMs: rawPerCall },
    });
  }

  // ---- 1d: what fairness costs when nobody contends --------------------------------------------
  {
    const N = 200_000;
    const fifo = createSemaphore(16);
    const fair = createFairSemaphore({ limit: 16, perTeam: 12 }).forTenant({ teamId: "t" });
    // The same fair queue with no per-team (or per-key) cap: isolates what the cap itself costs.
    const uncapped = createFairSemaphore({ limit: 16 }).forTenant({ teamId: "t" });
    const cycle = async (semaphore: typeof fifo) => {
      const started = nowMs();
      for (let i = 0; i < N; i++) (await semaphore.acquire())();
      return ((nowMs() - started) / N) * 1000;
    };
    await cycle(fifo);
    await cycle(fair); // warm-up
    await cycle(uncapped);
    const fifoUs: number[] = [];
    const fairUs: number[] = [];
    const uncappedUs: number[] = [];
    for (let i = 0; i < 5; i++) {
      fifoUs.push(await cycle(fifo));
      fairUs.push(await cycle(fair));
      uncappedUs.push(await cycle(uncapped));
    }
    const added = median(fairUs) - median(fifoUs);
    log(
      `1d permit: fifo ${fifoUs.map((u) => u.toFixed(3)).join(", ")} µs / fair ${fairUs.map((u) => u.toFixed(3)).join(", ")} µs`,
    );
    rows.push({
      id: "orch.fairness.cost",
      benchmark:
        "1d fair semaphore (per-team caps, round-robin) vs FIFO, uncontended acquire+release",
      result: `+${added.toFixed(3)} µs (fair ${median(fairUs).toFixed(3)} µs, FIFO ${median(fifoUs).toFixed(3)} µs)`,
      target: "added < 1 µs",
      met: added < 1,
      value: added,
      details: { fifoUs, fairUs },
    });
    const capCost = median(fairUs) - median(uncappedUs);
    log(`1e permit: fair without caps ${uncappedUs.map((u) => u.toFixed(3)).join(", ")} µs`);
    rows.push({
      id: "orch.fairness.cap-cost",
      benchmark: "1e fair semaphore with vs without the per-team/per-key cap, uncontended",
      result: `${capCost >= 0 ? "+" : ""}${capCost.toFixed(3)} µs (capped ${median(fairUs).toFixed(3)} µs, uncapped ${median(uncappedUs).toFixed(3)} µs)`,
      target: "added < 1 µs",
      met: capCost < 1,
      value: capCost,
      details: { fairUs, uncappedUs },
    });
  }

  return { group: "orchestrator", rows, notes, durationMs: nowMs() - t0 };
}

/** 1c: 200 concurrent streaming steps; RSS and heap sampled every 20 ms. Run in its own process. */
export async function memoryGroup(): Promise<GroupResult> {
  const t0 = nowMs();
  const notes: string[] = [];
  const STEPS = 200;
  const TPS = 40;
  // ~80-120 tokens at 40 tok/s, 4 tokens per delta: 2-3 s streams after a 200 ms TTFT.
  const sim = await startSimulator({ ttftMs: 200, tokensPerSecond: TPS, answerTokens: [80, 120] });
  const caller = providerCaller(sim);
  // Warm-up: load SDK code paths so the baseline is not charged for module loading/JIT.
  await runOnce(
    { mode: "parallel", task: "warm-up", agents: agents(4, "warm [[sim:tps=0]]") },
    caller,
    4,
  );
  gc();
  await sleep(100);
  gc();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  let peakExternal = base.external + base.arrayBuffers;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakExternal = Math.max(peakExternal, m.external + m.arrayBuffers);
  }, 20);
  let deltas = 0;
  let maxInFlight = 0;
  const simPoll = setInterval(
    () => (maxInFlight = Math.max(maxInFlight, sim.stats().inFlight)),
    50,
  );
  const run = await runOnce(
    { mode: "parallel", task: "Write a short paragraph about streams.", agents: agents(STEPS) },
    caller,
    STEPS,
    (e) => {
      if (e.type === "step-delta") deltas += 1;
    },
  );
  clearInterval(sampler);
  clearInterval(simPoll);
  const after = process.memoryUsage();
  await sim.close();
  const rssDelta = peakRss - base.rss;
  const heapDelta = peakHeap - base.heapUsed;
  log(
    `1c wall ${fmtMs(run.wallMs)} status ${run.status} peak rss +${fmtMB(rssDelta)} heap +${fmtMB(heapDelta)}`,
  );
  if (run.status !== "succeeded")
    notes.push(`1c run ended ${run.status} (${run.stepsFailed} failed)`);
  return {
    group: "memory",
    rows: [
      {
        id: "orch.memory",
        benchmark: `1c memory: ${STEPS} concurrent streaming steps (~${fmtMs(run.wallMs)} run)`,
        result: `peak RSS +${fmtMB(rssDelta)} (${fmtMB(peakRss)}), heap +${fmtMB(heapDelta)}`,
        target: "(report)",
        met: null,
        value: rssDelta / 1024 / 1024,
        details: {
          baseline: base,
          after,
          peakRss,
          peakHeapUsed: peakHeap,
          peakExternalPlusArrayBuffers: peakExternal,
          rssDeltaMB: rssDelta / 1024 / 1024,
          heapDeltaMB: heapDelta / 1024 / 1024,
          perStepHeapKB: heapDelta / 1024 / STEPS,
          wallMs: run.wallMs,
          status: run.status,
          stepsOk: run.stepsOk,
          deltaEvents: deltas,
          simMaxInFlight: maxInFlight,
          simulator: { ttftMs: 200, tokensPerSecond: TPS, answerTokens: [80, 120] },
        },
      },
    ],
    notes,
    durationMs: nowMs() - t0,
  };
}
