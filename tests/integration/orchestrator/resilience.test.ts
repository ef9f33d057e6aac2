/**
 * The orchestrator's resilience rules (docs/architecture.md, "Resilience") end to end: runPlan
 * driving the real Anthropic provider (the official SDK) against the protocol simulator over
 * loopback HTTP, with no cache in between, real timers and small backoff settings.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createCachedCaller,
  sendStreaming,
  MemoryCache,
  ResponseCache,
  type L2Store,
  type StoredEntry,
} from "@/lib/cache";
import {
  createAnthropicProvider,
  startSimulator,
  type AnthropicProvider,
  type ModelCaller,
  type Simulator,
} from "@/lib/llm";
import {
  createSemaphore,
  runPlan,
  type AgentSnapshot,
  type Plan,
  type RunEvent,
  type RunOptions,
  type StepEndEvent,
  type StepErrorEvent,
  type StepRetryEvent,
} from "@/lib/orchestrator";
import { eventually } from "../llm/helpers";

let sim: Simulator;
let provider: AnthropicProvider;
/** The JSON bodies the provider put on the wire, in the order they were sent. */
let sentBodies: Array<{ model: string; system?: string; messages: Array<{ content: string }> }>;
let caller: ModelCaller;

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  provider = createAnthropicProvider({
    apiKey: "sk-test-key",
    baseURL: sim.url,
    kind: "simulator",
    // Broken streams make the SDK log; keep the output readable.
    logLevel: "off",
    // Records what actually went over HTTP, then lets the real fetch do the work.
    fetch: async (input, init) => {
      if (typeof init?.body === "string") sentBodies.push(JSON.parse(init.body));
      return fetch(input, init);
    },
  });
  // No cache: the provider's stream is the ModelCaller, as the brief asks.
  caller = (request, context) => provider.stream(request, context);
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.reset();
  sentBodies = [];
});

let agentCounter = 0;
function agent(system: string, overrides: Partial<AgentSnapshot> = {}): AgentSnapshot {
  agentCounter += 1;
  return {
    name: `agent-${agentCounter}`,
    model: "claude-sim",
    system,
    temperature: 0,
    maxTokens: 256,
    ...overrides,
  };
}

/** A unique task per call, so fail-first counters and answers never leak between tests. */
let taskCounter = 0;
const task = (text: string) => `${text} (#${++taskCounter}-${Date.now()})`;

type Options = Partial<RunOptions>;

/** Runs a plan to its end and returns every event, in order. */
async function run(plan: Plan, options: Options = {}): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const event of runPlan(plan, {
    runId: `run-${Math.random().toString(36).slice(2)}`,
    caller,
    semaphore: createSemaphore(16),
    maxAttempts: 3,
    attemptTimeoutMs: 10_000,
    backoff: { baseMs: 20, maxMs: 50 },
    ...options,
  })) {
    events.push(event);
  }
  return events;
}

const ofType = <T extends RunEvent["type"]>(events: RunEvent[], type: T) =>
  events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);

function stepEnd(events: RunEvent[], key: string): StepEndEvent {
  const found = ofType(events, "step-end").find((e) => e.stepKey === key);
  if (!found) throw new Error(`no step-end for ${key}: ${JSON.stringify(events.at(-1))}`);
  return found;
}

function stepError(events: RunEvent[], key: string): StepErrorEvent {
  const found = ofType(events, "step-error").find((e) => e.stepKey === key);
  if (!found) throw new Error(`no step-error for ${key}: ${JSON.stringify(events)}`);
  return found;
}

function runEnd(events: RunEvent[]) {
  const last = events.at(-1);
  if (last?.type !== "run-end") throw new Error(`the run did not end: ${JSON.stringify(last)}`);
  return last;
}

function deltaText(events: RunEvent[], key: string): string {
  return ofType(events, "step-delta")
    .filter((e) => e.stepKey === key)
    .map((e) => e.text)
    .join("");
}

describe("plans against the real provider and the simulator", () => {
  it("fans a task out to five agents in parallel, each answering with its own streamed text", async () => {
    const agents = [1, 2, 3, 4, 5].map((i) => agent(`You are reviewer number ${i}.`));
    const events = await run({ mode: "parallel", task: task("Review the cache design."), agents });

    expect(runEnd(events).status).toBe("succeeded");
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const outputs = agents.map((_, i) => stepEnd(events, `step-${i + 1}`).output);
    for (const [i, output] of outputs.entries()) {
      expect(output.length).toBeGreaterThan(10);
      expect(deltaText(events, `step-${i + 1}`)).toBe(output);
      expect(stepEnd(events, `step-${i + 1}`).attempts).toHaveLength(1);
      expect(stepEnd(events, `step-${i + 1}`).outputTokens).toBeGreaterThan(0);
    }
    // Different system prompts are different requests, hence different deterministic answers.
    expect(new Set(outputs).size).toBe(5);
    expect(sim.stats().requests).toBe(5);
    expect(sim.stats().streamed).toBe(5);
    const end = runEnd(events);
    const ends = ofType(events, "step-end");
    expect(end.outputTokens).toBe(ends.reduce((sum, e) => sum + e.outputTokens, 0));
  });

  it("chains two agents so the second request on the wire carries the first answer", async () => {
    const events = await run({
      mode: "chain",
      task: task("Draft a release note."),
      agents: [agent("You draft."), agent("You edit.")],
    });

    expect(runEnd(events).status).toBe("succeeded");
    const first = stepEnd(events, "step-1");
    const second = stepEnd(events, "step-2");
    expect(sentBodies).toHaveLength(2);
    expect(sentBodies[0]!.messages[0]!.content).not.toContain("<previous_answer");
    expect(sentBodies[1]!.messages[0]!.content).toContain(first.output);
    expect(sentBodies[1]!.messages[0]!.content).toContain('<previous_answer step="step-1"');
    // The second step only starts once the first has ended.
    const firstEndSeq = first.seq;
    const secondStart = ofType(events, "step-start").find((e) => e.stepKey === "step-2")!;
    expect(secondStart.seq).toBeGreaterThan(firstEndSeq);
    expect(second.inputTokens).toBeGreaterThan(first.inputTokens);
  });

  it("runs a DAG whose join step starts after both branches and receives both answers", async () => {
    const events = await run({
      mode: "dag",
      task: task("Plan a migration."),
      steps: [
        { key: "join", agent: agent("You merge."), dependsOn: ["a", "b"], input: "Merge both." },
        { key: "a", agent: agent("You argue for."), dependsOn: [] },
        { key: "b", agent: agent("You argue against."), dependsOn: [] },
      ],
    });

    expect(runEnd(events).status).toBe("succeeded");
    const a = stepEnd(events, "a");
    const b = stepEnd(events, "b");
    const joinStart = ofType(events, "step-start").find((e) => e.stepKey === "join")!;
    expect(joinStart.seq).toBeGreaterThan(a.seq);
    expect(joinStart.seq).toBeGreaterThan(b.seq);
    expect(sentBodies).toHaveLength(3);
    const joinBody = sentBodies[2]!.messages[0]!.content;
    expect(joinBody).toContain(a.output);
    expect(joinBody).toContain(b.output);
    expect(joinBody).toContain("<instructions>\nMerge both.\n</instructions>");
    expect(stepEnd(events, "join").output.length).toBeGreaterThan(10);
  });
});

describe("retries", () => {
  it("retries a 429 after the upstream's retry-after second and succeeds on the second attempt", async () => {
    const events = await run({
      mode: "parallel",
      task: task("Summarize."),
      agents: [agent("[[sim:fail-first=1,status=429,retry-after=1]]")],
    });

    expect(runEnd(events).status).toBe("succeeded");
    const retries = ofType(events, "step-retry");
    expect(retries).toEqual([
      expect.objectContaining<Partial<StepRetryEvent>>({
        stepKey: "step-1",
        attempt: 1,
        errorCode: "upstream_rate_limited",
        // retry-after: 1 (seconds) wins over the 20–50 ms backoff.
        delayMs: 1000,
      }),
    ]);
    const end = stepEnd(events, "step-1");
    expect(end.attempts).toHaveLength(2);
    expect(end.attempts[0]!.errorCode).toBe("upstream_rate_limited");
    expect(end.attempts[1]!.errorCode).toBeUndefined();
    // The wait was honoured: the second attempt began at least a second after the first ended.
    const firstEnded = end.attempts[0]!.startedAt + end.attempts[0]!.durationMs;
    expect(end.attempts[1]!.startedAt - firstEnded).toBeGreaterThanOrEqual(1000 - 5);
    expect(end.attempts[1]!.startedAt - end.attempts[0]!.startedAt).toBeGreaterThanOrEqual(1000);
    expect(sim.stats().requests).toBe(2);
    expect(sim.stats().statuses).toEqual({ "429": 1, "200": 1 });
  });

  it("honours retry-after-ms over its own backoff", async () => {
    const events = await run({
      mode: "parallel",
      task: task("Summarize."),
      agents: [agent("[[sim:fail-first=2,status=529,retry-after-ms=150]]")],
    });

    expect(runEnd(events).status).toBe("succeeded");
    const retries = ofType(events, "step-retry");
    expect(retries.map((r) => [r.errorCode, r.delayMs])).toEqual([
      ["upstream_overloaded", 150],
      ["upstream_overloaded", 150],
    ]);
    const { attempts } = stepEnd(events, "step-1");
    expect(attempts).toHaveLength(3);
    expect(attempts[2]!.startedAt - attempts[0]!.startedAt).toBeGreaterThanOrEqual(300);
    expect(sim.stats().requests).toBe(3);
  });

  it("does not retry a permanent 400 and reports upstream_invalid_request after one attempt", async () => {
    const events = await run({
      mode: "parallel",
      task: task("Summarize."),
      agents: [agent("[[sim:status=400]]")],
    });

    expect(runEnd(events).status).toBe("failed");
    const error = stepError(events, "step-1");
    expect(error.code).toBe("upstream_invalid_request");
    expect(error.attempts).toHaveLength(1);
    expect(ofType(events, "step-retry")).toHaveLength(0);
    expect(sim.stats().requests).toBe(1);
  });

  it("times out a hanging upstream per attempt, retries once, then reports upstream_timeout", async () => {
    const events = await run(
      { mode: "parallel", task: task("Wait [[sim:hang]]"), agents: [agent("You wait.")] },
      { attemptTimeoutMs: 200, maxAttempts: 2 },
    );

    expect(runEnd(events).status).toBe("failed");
    const error = stepError(events, "step-1");
    expect(error.code).toBe("upstream_timeout");
    expect(error.attempts.map((a) => a.errorCode)).toEqual([
      "upstream_timeout",
      "upstream_timeout",
    ]);
    for (const attempt of error.attempts) expect(attempt.durationMs).toBeGreaterThanOrEqual(195);
    // Two attempts, each ended by its own timer (the code says so), and one retry between them.
    expect(ofType(events, "step-retry")).toHaveLength(1);
    expect(sim.stats().requests).toBe(2);
    // Each timed-out attempt closed its connection: the simulator is not left holding either.
    await eventually(() => {
      expect(sim.stats().clientClosed).toBe(2);
      expect(sim.stats().inFlight).toBe(0);
    });
  });

  it("reports a socket cut after three deltas as stream_interrupted and never retries it", async () => {
    const events = await run({
      mode: "parallel",
      task: task("Explain [[sim:disconnect-after=3]]"),
      agents: [agent("You explain.")],
    });

    expect(runEnd(events).status).toBe("failed");
    const error = stepError(events, "step-1");
    expect(error.code).toBe("stream_interrupted");
    expect(error.attempts).toHaveLength(1);
    // Text reached the consumer before the break, which is why no retry may follow.
    expect(deltaText(events, "step-1").length).toBeGreaterThan(0);
    expect(ofType(events, "step-delta").length).toBeLessThanOrEqual(3);
    expect(ofType(events, "step-retry")).toHaveLength(0);
    expect(sim.stats().requests).toBe(1);
    expect(sim.stats().outcomes.disconnect).toBe(1);
  });

  it("reports an SSE error event after three deltas as stream_interrupted and never retries it", async () => {
    const events = await run({
      mode: "parallel",
      task: task("Explain [[sim:error-after=3]]"),
      agents: [agent("You explain.")],
    });

    const error = stepError(events, "step-1");
    expect(error.code).toBe("stream_interrupted");
    expect(error.attempts).toHaveLength(1);
    expect(ofType(events, "step-delta")).toHaveLength(3);
    expect(ofType(events, "step-retry")).toHaveLength(0);
    expect(sim.stats().requests).toBe(1);
    expect(sim.stats().outcomes.stream_error).toBe(1);
  });

  it("retries a stream that errors before its first delta, since nothing reached the consumer", async () => {
    const events = await run({
      mode: "parallel",
      task: task("Explain"),
      agents: [agent("[[sim:fail-first=1,error-after=0]]")],
    });

    expect(runEnd(events).status).toBe("succeeded");
    const end = stepEnd(events, "step-1");
    expect(end.attempts).toHaveLength(2);
    expect(end.attempts[0]!.errorCode).toBeDefined();
    expect(sim.stats().requests).toBe(2);
  });
});

describe("cancellation and concurrency", () => {
  it("cancels a run of three hanging steps promptly and closes all three upstream connections", async () => {
    const controller = new AbortController();
    const closedBefore = sim.stats().clientClosed;
    const events: RunEvent[] = [];
    const consuming = (async () => {
      for await (const event of runPlan(
        {
          mode: "parallel",
          task: task("Wait forever [[sim:hang]]"),
          agents: [agent("One."), agent("Two."), agent("Three.")],
        },
        {
          runId: "cancel-me",
          caller,
          semaphore: createSemaphore(8),
          signal: controller.signal,
          attemptTimeoutMs: 30_000,
          backoff: { baseMs: 20, maxMs: 50 },
        },
      )) {
        events.push(event);
      }
    })();

    await expect.poll(() => sim.stats().inFlight, { timeout: 5000, interval: 10 }).toBe(3);
    controller.abort();
    await consuming;

    // Every step was ended by the abort (not by its 30 s attempt timeout), with nothing between.
    expect(events.map((e) => e.type)).toEqual([
      "run-start",
      "step-start",
      "step-start",
      "step-start",
      "step-error",
      "step-error",
      "step-error",
      "run-end",
    ]);
    expect(runEnd(events).status).toBe("cancelled");
    for (const key of ["step-1", "step-2", "step-3"]) {
      const error = stepError(events, key);
      expect(error.code).toBe("cancelled");
      expect(error.attempts).toHaveLength(1);
    }
    expect(ofType(events, "step-retry")).toHaveLength(0);
    await eventually(() => {
      expect(sim.stats().clientClosed - closedBefore).toBe(3);
      expect(sim.stats().inFlight).toBe(0);
    });
    expect(sim.stats().requests).toBe(3);
  });

  it("cancels the run when its consumer stops reading, aborting the call in flight", async () => {
    const semaphore = createSemaphore(4);
    const iterator = runPlan(
      { mode: "parallel", task: task("Wait [[sim:hang]]"), agents: [agent("One.")] },
      { runId: "break-me", caller, semaphore },
    )[Symbol.asyncIterator]();
    expect((await iterator.next()).value?.type).toBe("run-start");
    expect((await iterator.next()).value?.type).toBe("step-start");
    await expect.poll(() => sim.stats().inFlight, { timeout: 5000, interval: 10 }).toBe(1);

    expect(semaphore.stats().active).toBe(1);
    await iterator.return?.();
    // return() resolves only once the call was aborted and its permit given back.
    expect(semaphore.stats()).toEqual({ active: 0, waiting: 0, limit: 4 });
    await eventually(() => expect(sim.stats().clientClosed).toBe(1));
  });

  it("keeps at most two upstream calls in flight under a global semaphore of two", async () => {
    const semaphore = createSemaphore(2);
    let maxInFlight = 0;
    let maxActive = 0;
    const sampler = setInterval(() => {
      maxInFlight = Math.max(maxInFlight, sim.stats().inFlight);
      maxActive = Math.max(maxActive, semaphore.stats().active);
    }, 5);
    const started = Date.now();
    let events: RunEvent[];
    try {
      events = await run(
        {
          mode: "parallel",
          task: task("Take your time [[sim:latency=150]]"),
          agents: [1, 2, 3, 4, 5, 6].map((i) => agent(`Agent ${i}.`)),
        },
        { semaphore, runConcurrency: 6 },
      );
    } finally {
      clearInterval(sampler);
    }

    expect(runEnd(events).status).toBe("succeeded");
    expect(sim.stats().requests).toBe(6);
    expect(maxInFlight).toBe(2);
    expect(maxActive).toBe(2);
    // Three waves of two 150 ms calls.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);

    // The same from the events: never more than two steps between step-start and their end.
    let open = 0;
    let maxOpen = 0;
    for (const e of events) {
      if (e.type === "step-start") maxOpen = Math.max(maxOpen, ++open);
      if (e.type === "step-end" || e.type === "step-error") open -= 1;
    }
    expect(maxOpen).toBe(2);
    expect(semaphore.stats()).toEqual({ active: 0, waiting: 0, limit: 2 });
  });

  it("lets all six calls overlap when the semaphore is wide enough (the control case)", async () => {
    let maxInFlight = 0;
    const sampler = setInterval(() => {
      maxInFlight = Math.max(maxInFlight, sim.stats().inFlight);
    }, 5);
    try {
      await run(
        {
          mode: "parallel",
          task: task("Take your time [[sim:latency=150]]"),
          agents: [1, 2, 3, 4, 5, 6].map((i) => agent(`Agent ${i}.`)),
        },
        { semaphore: createSemaphore(6), runConcurrency: 6 },
      );
    } finally {
      clearInterval(sampler);
    }
    expect(maxInFlight).toBe(6);
  });
});

describe("steps behind the response cache", () => {
  /** An L2 over a Map whose reads take `delays[n]` ms for the n-th get (the row is read first). */
  function slowL2(delays: number[]): L2Store {
    const rows = new Map<string, StoredEntry>();
    let gets = 0;
    return {
      async get(key) {
        const row = rows.get(key) ?? null;
        const delay = delays[gets++] ?? 0;
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        return row && structuredClone(row);
      },
      async put(entry) {
        rows.set(entry.key, structuredClone(entry));
      },
      async delete(key) {
        rows.delete(key);
      },
      async touch() {},
    };
  }

  it("makes one upstream call for two identical steps even when one step's L2 read outlasts the other's whole call", async () => {
    // Regression: a caller whose L2 miss came back after an identical flight had finished (and
    // filled L1) used to become a new leader and call upstream a second time.
    const cache = new ResponseCache({
      l1: new MemoryCache(),
      l2: slowL2([0, 400]),
      secret: "integration-test-secret-0123456789abcdef",
      defaultTtlSeconds: 3600,
      logger: { warn: () => {}, error: () => {} },
    });
    const cachedCaller = createCachedCaller(cache, sendStreaming(provider.send));
    const same = agent("You answer once.");
    const events = await run(
      { mode: "parallel", task: task("Name a prime."), agents: [same, { ...same }] },
      { caller: cachedCaller, teamId: "team-race" },
    );

    expect(runEnd(events).status).toBe("succeeded");
    expect(sim.stats().requests).toBe(1);
    const [first, second] = [stepEnd(events, "step-1"), stepEnd(events, "step-2")];
    expect(second.output).toBe(first.output);
    expect([first.cacheStatus, second.cacheStatus].sort()).toEqual(["coalesced", "miss"]);
    await cache.idle();
  });
});
