import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import {
  createBreakerRegistry,
  createSemaphore,
  runPlan,
  type Plan,
  type RunEvent,
  type RunOptions,
  withBreakers,
} from "@/lib/orchestrator";
import {
  agent,
  answer,
  createFakeCaller,
  createTally,
  drain,
  failWith,
  hang,
  ofType,
  type Respond,
} from "./fake-caller";

const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);
const parallel = (n: number, model?: string): Plan => ({
  mode: "parallel",
  task: "Say hi.",
  agents: Array.from({ length: n }, (_, i) => agent(`agent-${i + 1}`, model)),
});

function options(respond: Respond, overrides: Partial<RunOptions> = {}) {
  const fake = createFakeCaller(respond);
  const opts: RunOptions = {
    runId: "run-1",
    caller: fake.caller,
    semaphore: createSemaphore(8),
    backoff: { jitter: "none" },
    ...overrides,
  };
  return { fake, opts };
}

const last = (events: RunEvent[]) => events[events.length - 1];

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("runPlan", () => {
  it("streams every agent's answer and reports usage, latency and cache status", async () => {
    const { opts } = options((call) =>
      answer(call, ["Hel", "lo"], {
        delayMs: 100,
        inputTokens: 12,
        outputTokens: 7,
        cacheStatus: "hit-memory",
      }),
    );
    const events = await drain(runPlan(parallel(2), opts), advance);

    expect(events[0]).toMatchObject({
      type: "run-start",
      runId: "run-1",
      steps: [{ key: "step-1" }, { key: "step-2" }],
    });
    expect(
      ofType(events, "step-delta")
        .filter((e) => e.stepKey === "step-1")
        .map((e) => e.text),
    ).toEqual(["Hel", "lo"]);
    const end = ofType(events, "step-end")[0];
    expect(end).toMatchObject({
      output: "Hello",
      inputTokens: 12,
      outputTokens: 7,
      cacheStatus: "hit-memory",
      stopReason: "end_turn",
      ttftMs: 200,
      latencyMs: 300,
      attempts: [{ attempt: 1, durationMs: 300 }],
    });
    expect(last(events)).toMatchObject({
      type: "run-end",
      status: "succeeded",
      inputTokens: 24,
      outputTokens: 14,
    });
  });

  it("numbers events with a strictly increasing seq starting at 1", async () => {
    const { opts } = options((call) => answer(call, ["a", "b", "c"], { delayMs: 10 }));
    const events = await drain(runPlan(parallel(3), opts), advance);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === "run-end")).toHaveLength(1);
    expect(last(events)?.type).toBe("run-end");
  });

  it("passes the team, agent and cache control to the caller", async () => {
    const { fake, opts } = options((call) => answer(call, "ok"), {
      teamId: "team-1",
      cacheControl: { mode: "refresh" },
    });
    const plan: Plan = { mode: "parallel", task: "T", agents: [{ ...agent("a"), id: "agent-a" }] };
    await drain(runPlan(plan, opts), advance);
    expect(fake.calls[0]?.context).toMatchObject({
      teamId: "team-1",
      agentId: "agent-a",
      cache: { mode: "refresh" },
    });
  });

  it("keeps parallel fan-out within the per-run and the process-wide limits", async () => {
    const tally = createTally();
    const global = createSemaphore(3);
    const runs = ["a", "b"].map((runId) => {
      const fake = createFakeCaller((call) => answer(call, "x", { delayMs: 100 }), tally);
      const events = runPlan(parallel(5), {
        runId,
        caller: fake.caller,
        semaphore: global,
        runConcurrency: 2,
      });
      return { fake, events };
    });
    const [a, b] = await Promise.all(runs.map((run) => drain(run.events, advance)));

    expect(tally.max).toBe(3);
    for (const run of runs) expect(run.fake.maxActive).toBeLessThanOrEqual(2);
    expect(last(a ?? [])).toMatchObject({ status: "succeeded" });
    expect(last(b ?? [])).toMatchObject({ status: "succeeded" });
    expect(global.stats()).toEqual({ active: 0, waiting: 0, limit: 3 });
  });

  it("retries a 429 after the upstream's retry-after and then succeeds", async () => {
    const { fake, opts } = options((call) =>
      call.index === 0
        ? failWith(new AppError("upstream_rate_limited", "slow down", { retryAfterMs: 1500 }))
        : answer(call, "ok"),
    );
    const events = await drain(runPlan(parallel(1), opts), advance);

    expect(ofType(events, "step-retry")).toMatchObject([
      { stepKey: "step-1", attempt: 1, errorCode: "upstream_rate_limited", delayMs: 1500 },
    ]);
    expect(fake.calls).toHaveLength(2);
    expect((fake.calls[1]?.at ?? 0) - (fake.calls[0]?.at ?? 0)).toBe(1500);
    const end = ofType(events, "step-end")[0];
    expect(end?.attempts).toMatchObject([
      { attempt: 1, errorCode: "upstream_rate_limited" },
      { attempt: 2 },
    ]);
    expect(end?.attempts[1]).not.toHaveProperty("errorCode");
    expect(ofType(events, "step-start").map((e) => e.attempt)).toEqual([1, 2]);
  });

  it("gives up at once when the retry-after exceeds the bound", async () => {
    const { fake, opts } = options(() =>
      failWith(new AppError("upstream_rate_limited", "come back later", { retryAfterMs: 120_000 })),
    );
    const events = await drain(runPlan(parallel(1), opts), advance);
    expect(fake.calls).toHaveLength(1);
    expect(ofType(events, "step-error")[0]).toMatchObject({ code: "upstream_rate_limited" });
  });

  it("does not retry a permanent 400", async () => {
    const { fake, opts } = options(() =>
      failWith(new AppError("upstream_invalid_request", "bad request")),
    );
    const events = await drain(runPlan(parallel(1), opts), advance);

    expect(fake.calls).toHaveLength(1);
    expect(ofType(events, "step-retry")).toEqual([]);
    expect(ofType(events, "step-error")[0]).toMatchObject({
      code: "upstream_invalid_request",
      attempts: [{ attempt: 1, errorCode: "upstream_invalid_request" }],
    });
    expect(last(events)).toMatchObject({ type: "run-end", status: "failed" });
  });

  it("reports stream_interrupted without retrying when a stream breaks after its first token", async () => {
    const { fake, opts } = options(() =>
      failWith(new AppError("upstream_overloaded", "overloaded"), ["Once upon", " a time"]),
    );
    const events = await drain(runPlan(parallel(1), opts), advance);

    expect(fake.calls).toHaveLength(1);
    expect(ofType(events, "step-delta").map((e) => e.text)).toEqual(["Once upon", " a time"]);
    expect(ofType(events, "step-error")[0]).toMatchObject({
      code: "stream_interrupted",
      attempts: [{ attempt: 1, errorCode: "stream_interrupted" }],
    });
  });

  it("retries a stream that ends without message_stop before any token", async () => {
    const { fake, opts } = options((call) =>
      call.index === 0 ? (async function* () {})() : answer(call, "ok"),
    );
    const events = await drain(runPlan(parallel(1), opts), advance);
    expect(fake.calls).toHaveLength(2);
    expect(ofType(events, "step-retry")[0]).toMatchObject({ errorCode: "stream_interrupted" });
    expect(last(events)).toMatchObject({ status: "succeeded" });
  });

  it("times out a hanging attempt, retries it, then fails with upstream_timeout", async () => {
    const { fake, opts } = options((call) => hang(call), {
      attemptTimeoutMs: 1000,
      maxAttempts: 2,
    });
    const events = await drain(runPlan(parallel(1), opts), advance);

    expect(fake.calls).toHaveLength(2);
    expect(fake.calls.every((call) => call.signal.aborted)).toBe(true);
    expect(ofType(events, "step-retry")[0]).toMatchObject({
      errorCode: "upstream_timeout",
      delayMs: 500,
    });
    expect(ofType(events, "step-error")[0]).toMatchObject({
      code: "upstream_timeout",
      attempts: [
        { attempt: 1, durationMs: 1000, errorCode: "upstream_timeout" },
        { attempt: 2, durationMs: 1000, errorCode: "upstream_timeout" },
      ],
      latencyMs: 2500,
    });
  });

  it("aborts every in-flight call on cancel and ends promptly as cancelled", async () => {
    const controller = new AbortController();
    const plan: Plan = {
      mode: "dag",
      task: "T",
      steps: [
        { key: "a", agent: agent("a"), dependsOn: [] },
        { key: "b", agent: agent("b"), dependsOn: [] },
        { key: "c", agent: agent("c"), dependsOn: ["a"] },
      ],
    };
    const { fake, opts } = options((call) => hang(call), { signal: controller.signal });
    const seen: RunEvent[] = [];
    const reading = (async () => {
      for await (const event of runPlan(plan, opts)) seen.push(event);
    })();
    await advance(10);
    expect(fake.active).toBe(2);

    controller.abort();
    await reading; // no timer advance: the run must end on microtasks alone

    expect(fake.calls.map((call) => call.signal.aborted)).toEqual([true, true]);
    expect(ofType(seen, "step-error").map((e) => [e.stepKey, e.code])).toEqual([
      ["a", "cancelled"],
      ["b", "cancelled"],
      ["c", "cancelled"],
    ]);
    expect(last(seen)).toMatchObject({ type: "run-end", status: "cancelled" });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("cancels steps that are still backing off without waiting for the delay", async () => {
    const controller = new AbortController();
    const { opts } = options(() => failWith(new AppError("upstream_overloaded", "busy")), {
      signal: controller.signal,
      backoff: { jitter: "none", baseMs: 60_000, maxMs: 60_000 },
    });
    const seen: RunEvent[] = [];
    const reading = (async () => {
      for await (const event of runPlan(parallel(1), opts)) seen.push(event);
    })();
    await advance(10);
    expect(ofType(seen, "step-retry")).toHaveLength(1);
    controller.abort();
    await reading;
    expect(ofType(seen, "step-error")[0]).toMatchObject({ code: "cancelled" });
  });

  it("ends unfinished steps with deadline_exceeded when the run deadline passes", async () => {
    const plan: Plan = {
      mode: "chain",
      task: "T",
      agents: [agent("fast"), agent("slow"), agent("never")],
    };
    const { opts } = options((call) => (call.index === 0 ? answer(call, "done") : hang(call)), {
      runDeadlineMs: 5000,
    });
    const events = await drain(runPlan(plan, opts), advance);
    expect(ofType(events, "step-error").map((e) => [e.stepKey, e.code])).toEqual([
      ["step-2", "deadline_exceeded"],
      ["step-3", "deadline_exceeded"],
    ]);
    expect(last(events)).toMatchObject({ status: "partial", latencyMs: 5000 });
  });

  it("waits out an open circuit within the deadline, then answers once the probe succeeds", async () => {
    const breakers = createBreakerRegistry({
      failureThreshold: 2,
      cooldownMs: 1000,
      now: () => Date.now(),
    });
    const fake = createFakeCaller((call) =>
      call.index < 2
        ? failWith(new AppError("upstream_overloaded", "overloaded"))
        : answer(call, "ok"),
    );
    const opts: RunOptions = {
      runId: "run-1",
      caller: withBreakers(fake.caller, breakers),
      semaphore: createSemaphore(8),
      backoff: { jitter: "none" },
      runConcurrency: 1,
      maxAttempts: 1,
    };
    const events = await drain(runPlan(parallel(4, "claude-busy"), opts), advance);

    // Two distinct requests failed and opened the circuit; the other two waited, not failed.
    expect(ofType(events, "step-error").map((e) => [e.stepKey, e.code])).toEqual([
      ["step-1", "upstream_overloaded"],
      ["step-2", "upstream_overloaded"],
    ]);
    expect(ofType(events, "step-end").map((e) => e.stepKey)).toEqual(["step-3", "step-4"]);
    const waits = ofType(events, "step-retry").filter((e) => e.errorCode === "circuit_open");
    expect(waits[0]).toMatchObject({ stepKey: "step-3", delayMs: 1000 });
    // Only the probe and the call after it reached the upstream once the circuit opened.
    expect(fake.calls).toHaveLength(4);
    expect(breakers.snapshot()).toMatchObject([{ model: "claude-busy", state: "closed" }]);
  });

  it("fails a step with circuit_open and the real cause when its deadline passes while it waits", async () => {
    const breakers = createBreakerRegistry({
      failureThreshold: 1,
      cooldownMs: 60_000,
      now: () => Date.now(),
    });
    const fake = createFakeCaller((call) =>
      call.index === 0
        ? failWith(
            new AppError("upstream_overloaded", "Overloaded", { details: { upstreamStatus: 529 } }),
          )
        : answer(call, "ok"),
    );
    const events = await drain(
      runPlan(parallel(2, "claude-down"), {
        runId: "run-1",
        caller: withBreakers(fake.caller, breakers),
        semaphore: createSemaphore(8),
        runConcurrency: 1,
        maxAttempts: 1,
        runDeadlineMs: 5000,
      }),
      advance,
    );
    const failed = ofType(events, "step-error").find((e) => e.stepKey === "step-2");
    expect(failed?.code).toBe("circuit_open");
    expect(failed?.message).toContain("upstream_overloaded 529: Overloaded");
    expect(fake.calls).toHaveLength(1);
  });

  it("counts one request failing again and again once, so a bad prompt cannot open the circuit", async () => {
    const breakers = createBreakerRegistry({ failureThreshold: 2, now: () => Date.now() });
    const fake = createFakeCaller(() =>
      failWith(new AppError("upstream_error", "boom", { details: { upstreamStatus: 500 } })),
    );
    const events = await drain(
      runPlan(parallel(1, "claude-busy"), {
        runId: "run-1",
        caller: withBreakers(fake.caller, breakers),
        semaphore: createSemaphore(8),
        backoff: { jitter: "none", baseMs: 10 },
        maxAttempts: 4,
      }),
      advance,
    );
    expect(fake.calls).toHaveLength(4);
    expect(ofType(events, "step-error")[0]?.code).toBe("upstream_error");
    expect(breakers.get("claude-busy").state()).toEqual({ name: "closed", failures: 1 });
  });

  it("runs a DAG step only after its dependencies and gives it their answers", async () => {
    const plan: Plan = {
      mode: "dag",
      task: "T",
      steps: [
        { key: "merge", agent: agent("m"), dependsOn: ["left", "right"] },
        { key: "left", agent: agent("l"), dependsOn: [] },
        { key: "right", agent: agent("r"), dependsOn: [] },
      ],
    };
    const { fake, opts } = options((call) =>
      answer(call, call.content.includes("previous_answer") ? "merged" : `answer ${call.index}`, {
        delayMs: call.index === 0 ? 300 : 100,
      }),
    );
    const events = await drain(runPlan(plan, opts), advance);

    const order = events
      .filter((e) => e.type === "step-start" || e.type === "step-end")
      .map((e) => `${e.type}:${"stepKey" in e ? e.stepKey : ""}`);
    expect(order).toEqual([
      "step-start:left",
      "step-start:right",
      "step-end:right",
      "step-end:left",
      "step-start:merge",
      "step-end:merge",
    ]);
    expect(fake.calls[2]?.content).toContain('<previous_answer step="left" agent="l">\nanswer 0');
    expect(fake.calls[2]?.content).toContain('<previous_answer step="right" agent="r">\nanswer 1');
  });

  it("gives each chained agent the previous agent's answer", async () => {
    const { fake, opts } = options((call) => answer(call, `draft ${call.index + 1}`));
    const plan: Plan = { mode: "chain", task: "Write.", agents: [agent("a"), agent("b")] };
    await drain(runPlan(plan, opts), advance);
    expect(fake.calls[0]?.content).toBe("<task>\nWrite.\n</task>");
    expect(fake.calls[1]?.content).toContain(
      '<previous_answer step="step-1" agent="a">\ndraft 1\n',
    );
  });

  it("skips the dependents of a failed step and ends the run as partial", async () => {
    const plan: Plan = { mode: "chain", task: "T", agents: [agent("a"), agent("b"), agent("c")] };
    const { opts } = options((call) =>
      call.index === 0 ? answer(call, "ok") : failWith(new AppError("upstream_auth", "no key")),
    );
    const events = await drain(runPlan(plan, opts), advance);
    expect(ofType(events, "step-error")).toMatchObject([
      { stepKey: "step-2", code: "upstream_auth" },
      { stepKey: "step-3", code: "cancelled", skipped: true, attempts: [] },
    ]);
    expect(last(events)).toMatchObject({ status: "partial" });
  });

  it("aborts in-flight calls when the consumer breaks out of the loop", async () => {
    const global = createSemaphore(4);
    const { fake, opts } = options(
      (call) =>
        call.index === 0 ? answer(call, ["first", "second"], { delayMs: 50 }) : hang(call),
      { semaphore: global },
    );
    const seen: RunEvent[] = [];
    const reading = (async () => {
      for await (const event of runPlan(parallel(2), opts)) {
        seen.push(event);
        if (event.type === "step-delta") break;
      }
    })();
    await advance(100);
    await reading;

    expect(fake.calls.map((call) => call.signal.aborted)).toEqual([true, true]);
    expect(fake.active).toBe(0);
    expect(global.stats()).toMatchObject({ active: 0, waiting: 0 });
    expect(last(seen)?.type).toBe("step-delta");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("ends a cancelled run promptly even when the caller ignores its signal", async () => {
    const controller = new AbortController();
    let closed = false;
    const { opts } = options(
      () =>
        (async function* () {
          try {
            await new Promise(() => {}); // deaf to the signal, never settles
            yield* [];
          } finally {
            closed = true;
          }
        })(),
      { signal: controller.signal },
    );
    const seen: RunEvent[] = [];
    const reading = (async () => {
      for await (const event of runPlan(parallel(1), opts)) seen.push(event);
    })();
    await advance(10);
    controller.abort();
    await reading;
    expect(last(seen)).toMatchObject({ type: "run-end", status: "cancelled" });
    expect(closed).toBe(false); // its pending next() keeps it open; the run did not wait for it
  });

  it("validates the plan before any event, throwing validation_failed", () => {
    const { opts } = options((call) => answer(call, "ok"));
    const plan: Plan = {
      mode: "dag",
      task: "T",
      steps: [{ key: "a", agent: agent("a"), dependsOn: ["b"] }],
    };
    expect(() => runPlan(plan, opts)).toThrow(
      expect.objectContaining({ code: "validation_failed" }),
    );
  });

  it("ends at once as cancelled when started with an aborted signal", async () => {
    const { fake, opts } = options((call) => answer(call, "ok"), { signal: AbortSignal.abort() });
    const events: RunEvent[] = [];
    for await (const event of runPlan(parallel(2), opts)) events.push(event);
    expect(fake.calls).toHaveLength(0);
    expect(events.map((e) => e.type)).toEqual(["run-start", "step-error", "step-error", "run-end"]);
    expect(last(events)).toMatchObject({ status: "cancelled" });
  });
});
