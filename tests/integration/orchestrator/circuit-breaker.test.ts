/**
 * The circuit breaker where the app puts it (lib/runtime/guarded-upstream.ts): behind the
 * response cache, in front of the real provider talking to the protocol simulator. It counts only provider-health
 * failures of distinct requests, never blocks a cached answer, and makes steps wait out the
 * cool-down within their deadline instead of failing fast.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createCachedCaller, MemoryCache, ResponseCache, sendStreaming } from "@/lib/cache";
import { guardRawUpstream } from "@/lib/runtime/guarded-upstream";
import {
  createAnthropicProvider,
  startSimulator,
  type AnthropicProvider,
  type ModelCaller,
  type Simulator,
} from "@/lib/llm";
import {
  createBreakerRegistry,
  createSemaphore,
  runPlan,
  type AgentSnapshot,
  type BreakerRegistry,
  type Plan,
  type RunEvent,
  type RunOptions,
} from "@/lib/orchestrator";
import { createMemoryL2Store } from "../../unit/cache/fixtures/memory-l2-store";

let sim: Simulator;
let send: AnthropicProvider["send"];

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  const provider = createAnthropicProvider({
    apiKey: "sk-test-key",
    baseURL: sim.url,
    kind: "simulator",
    logLevel: "off",
  });
  send = provider.send;
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.reset());

/** The app's arrangement: cache → breakers → provider. */
function callerWith(breakers: BreakerRegistry): ModelCaller {
  const cache = new ResponseCache({
    l1: new MemoryCache(),
    l2: createMemoryL2Store(),
    secret: "integration-test-secret-0123456789abcdef",
    defaultTtlSeconds: 3600,
  });
  const caller = createCachedCaller(cache, guardRawUpstream(sendStreaming(send), breakers));
  return (request, context) => caller(request, { teamId: "team-a", ...context });
}

let counter = 0;
const unique = (text: string) => `${text} (#${++counter}-${Date.now()})`;
const agent = (model: string, system = "You answer."): AgentSnapshot => ({
  name: `agent-${++counter}`,
  model,
  system,
  temperature: 0,
  maxTokens: 64,
});

async function run(plan: Plan, options: Partial<RunOptions> & { caller: ModelCaller }) {
  const events: RunEvent[] = [];
  for await (const event of runPlan(plan, {
    runId: `run-${++counter}`,
    semaphore: createSemaphore(16),
    maxAttempts: 1,
    attemptTimeoutMs: 10_000,
    backoff: { baseMs: 10, maxMs: 20 },
    ...options,
  })) {
    events.push(event);
  }
  return events;
}
const ofType = <T extends RunEvent["type"]>(events: RunEvent[], type: T) =>
  events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);
const runEnd = (events: RunEvent[]) => ofType(events, "run-end")[0]!;

/** Distinct requests answered 529: a real provider-health failure. */
async function overload(caller: ModelCaller, model: string, times: number) {
  for (let i = 0; i < times; i += 1) {
    await run(
      {
        mode: "parallel",
        task: unique("Hello [[sim:status=529]]"),
        agents: [agent(model)],
      },
      { caller },
    );
  }
}

describe("the circuit breaker behind the cache", () => {
  it("is not opened by one request that makes the upstream fail, however often it is retried", async () => {
    const model = "claude-sim-bad-prompt";
    const breakers = createBreakerRegistry({ failureThreshold: 3, cooldownMs: 60_000 });
    const caller = callerWith(breakers);
    const bad = await run(
      { mode: "parallel", task: unique("Break [[sim:status=500]]"), agents: [agent(model)] },
      { caller, maxAttempts: 5 },
    );
    expect(ofType(bad, "step-error")[0]?.code).toBe("upstream_error");
    expect(sim.stats().requests).toBe(5);
    expect(breakers.get(model).state().name).toBe("closed");

    // The next user of the model is served at once.
    const next = await run(
      { mode: "parallel", task: unique("Hello"), agents: [agent(model)] },
      { caller },
    );
    expect(runEnd(next).status).toBe("succeeded");
  });

  it("lets both steps of a run wait out the cool-down and succeed, with one probe first", async () => {
    const model = "claude-sim-storm";
    const breakers = createBreakerRegistry({ failureThreshold: 2, cooldownMs: 300 });
    const caller = callerWith(breakers);
    await overload(caller, model, 2);
    expect(breakers.get(model).state().name).toBe("open");
    const before = sim.stats().requests;

    const events = await run(
      {
        mode: "parallel",
        task: unique("Hello again"),
        agents: [agent(model, "A."), agent(model, "B.")],
      },
      { caller },
    );
    expect(runEnd(events).status).toBe("succeeded");
    expect(ofType(events, "step-end")).toHaveLength(2);
    const waits = ofType(events, "step-retry").filter((e) => e.errorCode === "circuit_open");
    expect(new Set(waits.map((e) => e.stepKey))).toEqual(new Set(["step-1", "step-2"]));
    // Waiting never reached the upstream: only the two real calls did.
    expect(sim.stats().requests - before).toBe(2);
    expect(breakers.get(model).state().name).toBe("closed");
  });

  it("serves a cached answer while the circuit is open, and the hit does not close it", async () => {
    const model = "claude-sim-cached";
    const breakers = createBreakerRegistry({ failureThreshold: 2, cooldownMs: 60_000 });
    const caller = callerWith(breakers);
    const task = unique("Remember me");
    const first = await run({ mode: "parallel", task, agents: [agent(model)] }, { caller });
    expect(runEnd(first).status).toBe("succeeded");
    await overload(caller, model, 2);
    expect(breakers.get(model).state().name).toBe("open");
    const before = sim.stats().requests;

    const again = await run({ mode: "parallel", task, agents: [agent(model)] }, { caller });
    expect(runEnd(again).status).toBe("succeeded");
    expect(ofType(again, "step-end")[0]?.cacheStatus).toBe("hit-memory");
    expect(sim.stats().requests).toBe(before);
    expect(breakers.get(model).state().name).toBe("open");
  });

  it("fails a step that runs out of time while waiting with circuit_open and the upstream's cause", async () => {
    const model = "claude-sim-down";
    const breakers = createBreakerRegistry({ failureThreshold: 2, cooldownMs: 60_000 });
    const caller = callerWith(breakers);
    await overload(caller, model, 2);

    const events = await run(
      { mode: "parallel", task: unique("Anyone there?"), agents: [agent(model)] },
      { caller, runDeadlineMs: 1000 },
    );
    const error = ofType(events, "step-error")[0];
    expect(error?.code).toBe("circuit_open");
    expect(error?.message).toMatch(
      /unavailable after repeated failures \(last: upstream_overloaded 529/,
    );
    expect(runEnd(events).status).toBe("failed");
  });
});
