import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import {
  createBreakerRegistry,
  createSemaphore,
  runPlan,
  type Plan,
  type RunOptions,
  withBreakers,
} from "@/lib/orchestrator";
import {
  agent,
  answer,
  createFakeCaller,
  drain,
  failWith,
  ofType,
  type Respond,
} from "./fake-caller";

const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);
const overloaded = () =>
  new AppError("upstream_overloaded", "Overloaded", { details: { upstreamStatus: 529 } });

/** One agent on claude-a, with `fallbackModels` when given. */
const plan = (fallbackModels?: string[]): Plan => ({
  mode: "parallel",
  task: "Say hi.",
  agents: [{ ...agent("writer", "claude-a"), ...(fallbackModels ? { fallbackModels } : {}) }],
});

function run(respond: Respond, fallbackModels?: string[], overrides: Partial<RunOptions> = {}) {
  const fake = createFakeCaller(respond);
  const options: RunOptions = {
    runId: "run-1",
    caller: fake.caller,
    semaphore: createSemaphore(8),
    backoff: { jitter: "none" },
    ...overrides,
  };
  return { fake, events: drain(runPlan(plan(fallbackModels), options), advance) };
}

/** Answers as `model` says, failing every call to the models in `failing` with `error()`. */
const byModel =
  (failing: Record<string, () => unknown>): Respond =>
  (call) => {
    const fail = failing[call.request.model];
    return fail ? failWith(fail()) : answer(call, `from ${call.request.model}`);
  };

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("fallback models", () => {
  it("sends the agent's temperature only to models that still take sampling parameters", async () => {
    // Claude Opus 4.7 and later answer 400 "`temperature` is deprecated for this model" to any.
    const fake = createFakeCaller(byModel({ "claude-opus-4-8": overloaded }));
    const samplingPlan: Plan = {
      mode: "parallel",
      task: "Say hi.",
      agents: [{ ...agent("writer", "claude-opus-4-8"), fallbackModels: ["claude-sonnet-4-6"] }],
    };
    const options: RunOptions = {
      runId: "run-1",
      caller: fake.caller,
      semaphore: createSemaphore(8),
      backoff: { jitter: "none" },
    };
    await drain(runPlan(samplingPlan, options), advance);
    const [primary, fallback] = fake.calls.map((c) => c.request);
    expect(primary).toMatchObject({ model: "claude-opus-4-8" });
    expect(primary).not.toHaveProperty("temperature");
    expect(fallback).toMatchObject({ model: "claude-sonnet-4-6", temperature: 0.5 });
  });

  it("answers from the secondary when the primary answers 529, and the step says which", async () => {
    const { fake, events } = run(byModel({ "claude-a": overloaded }), ["claude-b", "claude-c"]);
    const seen = await events;

    expect(fake.calls.map((c) => c.request.model)).toEqual(["claude-a", "claude-b"]);
    // Same request otherwise: only the model changes.
    expect({ ...fake.calls[1]!.request, model: "claude-a" }).toEqual(fake.calls[0]!.request);
    expect(ofType(seen, "step-retry")).toEqual([
      expect.objectContaining({
        attempt: 1,
        errorCode: "upstream_overloaded",
        delayMs: 0,
        model: "claude-b",
      }),
    ]);
    const [end] = ofType(seen, "step-end");
    expect(end).toMatchObject({ output: "from claude-b", model: "claude-b" });
    expect(end?.attempts).toEqual([
      expect.objectContaining({ attempt: 1, errorCode: "upstream_overloaded" }),
      expect.objectContaining({ attempt: 2, model: "claude-b" }),
    ]);
    expect(end?.attempts[0]).not.toHaveProperty("model");
  });

  it("moves down the list while each model is overloaded", async () => {
    const { fake, events } = run(byModel({ "claude-a": overloaded, "claude-b": overloaded }), [
      "claude-b",
      "claude-c",
    ]);
    const [end] = ofType(await events, "step-end");
    expect(fake.calls.map((c) => c.request.model)).toEqual(["claude-a", "claude-b", "claude-c"]);
    expect(end?.model).toBe("claude-c");
  });

  it("does not count a switch as one of the step's attempts", async () => {
    const { events } = run(byModel({ "claude-a": overloaded }), ["claude-b"], { maxAttempts: 1 });
    expect(ofType(await events, "step-end")[0]?.model).toBe("claude-b");
  });

  it("switches at once from a model whose circuit is open instead of waiting for its probe", async () => {
    const breakers = createBreakerRegistry({ failureThreshold: 1, cooldownMs: 60_000 });
    // Open claude-a's circuit with one failed call.
    breakers.get("claude-a").enter("other request").settle(overloaded());
    const fake = createFakeCaller(byModel({}));
    const seen = await drain(
      runPlan(plan(["claude-b"]), {
        runId: "run-1",
        caller: withBreakers(fake.caller, breakers),
        semaphore: createSemaphore(8),
      }),
      advance,
    );
    expect(fake.calls.map((c) => c.request.model)).toEqual(["claude-b"]);
    expect(ofType(seen, "step-retry")).toEqual([
      expect.objectContaining({ errorCode: "circuit_open", delayMs: 0, model: "claude-b" }),
    ]);
    expect(ofType(seen, "step-end")[0]?.model).toBe("claude-b");
  });

  it("switches when the outbound limiter will not wait longer for the primary", async () => {
    const refused = () =>
      new AppError("upstream_rate_limited", "The outbound rate limit for claude-a is reached", {
        retryAfterMs: 30_000,
        details: { outbound: true },
      });
    const { fake, events } = run(byModel({ "claude-a": refused }), ["claude-b"], {
      fallbackMaxWaitMs: 2_000,
    });
    expect(ofType(await events, "step-end")[0]?.model).toBe("claude-b");
    // The bound is asked for only while there is a model to switch to.
    expect(fake.calls.map((c) => c.context.outboundMaxWaitMs)).toEqual([2_000, undefined]);
  });

  it("keeps retrying the primary on a 429 from the upstream itself", async () => {
    const limited = () =>
      new AppError("upstream_rate_limited", "rate limited", { details: { upstreamStatus: 429 } });
    const { fake, events } = run(
      (call) => (call.index === 0 ? failWith(limited()) : answer(call, "ok")),
      ["claude-b"],
    );
    expect(ofType(await events, "step-end")[0]?.model).toBe("claude-a");
    expect(fake.calls.map((c) => c.request.model)).toEqual(["claude-a", "claude-a"]);
  });

  it("never switches once text has reached the user", async () => {
    const { fake, events } = run(() => failWith(overloaded(), ["Hel"]), ["claude-b"]);
    const [failed] = ofType(await events, "step-error");
    expect(failed).toMatchObject({ code: "stream_interrupted", partial: { model: "claude-a" } });
    expect(fake.calls).toHaveLength(1);
  });

  it("retries the last fallback by the usual rules once the list is used up", async () => {
    const { fake, events } = run(byModel({ "claude-a": overloaded, "claude-b": overloaded }), [
      "claude-b",
    ]);
    const [failed] = ofType(await events, "step-error");
    expect(failed?.code).toBe("upstream_overloaded");
    expect(fake.calls.map((c) => c.request.model)).toEqual([
      "claude-a",
      "claude-b",
      "claude-b",
      "claude-b",
    ]);
  });

  it("leaves a step without fallbacks as it was: a 529 is retried on the same model", async () => {
    const { fake, events } = run((call) =>
      call.index === 0 ? failWith(overloaded()) : answer(call, "ok"),
    );
    const seen = await events;
    expect(fake.calls.map((c) => c.request.model)).toEqual(["claude-a", "claude-a"]);
    expect(fake.calls.map((c) => c.context.outboundMaxWaitMs)).toEqual([undefined, undefined]);
    expect(ofType(seen, "step-retry")[0]).not.toHaveProperty("model");
    expect(ofType(seen, "step-end")[0]).toMatchObject({ model: "claude-a" });
    expect(ofType(seen, "step-end")[0]?.attempts.some((a) => "model" in a)).toBe(false);
  });
});
