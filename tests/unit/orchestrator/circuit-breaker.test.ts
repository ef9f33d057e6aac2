import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { createBreakerRegistry, type CircuitBreaker } from "@/lib/orchestrator";

const overloaded = () => new AppError("upstream_overloaded", "overloaded");

function setup() {
  let time = 1_000_000;
  const clock = { now: () => time, advance: (ms: number) => (time += ms) };
  const registry = createBreakerRegistry({
    failureThreshold: 3,
    cooldownMs: 30_000,
    now: clock.now,
  });
  return { clock, registry, breaker: registry.get("claude-test") };
}

function fail(breaker: CircuitBreaker, times: number, error: unknown = overloaded()) {
  for (let i = 0; i < times; i += 1) breaker.enter().settle(error);
}

describe("circuit breaker", () => {
  it("opens after the threshold of consecutive transient failures", () => {
    const { breaker } = setup();
    fail(breaker, 2);
    expect(breaker.state()).toEqual({ name: "closed", failures: 2 });
    fail(breaker, 1);
    expect(breaker.state().name).toBe("open");
  });

  it("starts counting again after a success", () => {
    const { breaker } = setup();
    fail(breaker, 2);
    breaker.enter().settle();
    fail(breaker, 2);
    expect(breaker.state()).toEqual({ name: "closed", failures: 2 });
  });

  it("does not count invalid requests, rate limits or cancellations", () => {
    const { breaker } = setup();
    fail(breaker, 5, new AppError("upstream_invalid_request", "bad"));
    fail(breaker, 5, new AppError("upstream_rate_limited", "slow"));
    fail(breaker, 5, new AppError("cancelled", "stop"));
    expect(breaker.state()).toEqual({ name: "closed", failures: 0 });
  });

  it("fails fast while open with circuit_open, the model and the remaining cooldown", () => {
    const { breaker, clock } = setup();
    fail(breaker, 3);
    clock.advance(10_000);
    let thrown: unknown;
    try {
      breaker.enter();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      code: "circuit_open",
      retryAfterMs: 20_000,
      details: { model: "claude-test" },
    });
  });

  it("lets exactly one probe through after the cooldown, and closes when it succeeds", () => {
    const { breaker, clock } = setup();
    fail(breaker, 3);
    clock.advance(30_000);
    expect(breaker.state().name).toBe("half-open");
    const probe = breaker.enter();
    expect(() => breaker.enter()).toThrow(expect.objectContaining({ code: "circuit_open" }));
    probe.settle();
    expect(breaker.state()).toEqual({ name: "closed", failures: 0 });
    expect(() => breaker.enter()).not.toThrow();
  });

  it("opens again for a full cooldown when the probe fails", () => {
    const { breaker, clock } = setup();
    fail(breaker, 3);
    clock.advance(30_000);
    breaker.enter().settle(overloaded());
    expect(breaker.state().name).toBe("open");
    clock.advance(29_999);
    expect(() => breaker.enter()).toThrow(expect.objectContaining({ code: "circuit_open" }));
    clock.advance(1);
    expect(breaker.state().name).toBe("half-open");
  });

  it("frees the probe slot when the probe is cancelled", () => {
    const { breaker, clock } = setup();
    fail(breaker, 3);
    clock.advance(30_000);
    breaker.enter().settle(new AppError("cancelled", "stop"));
    expect(breaker.state()).toEqual({ name: "half-open", probing: false });
    expect(() => breaker.enter()).not.toThrow();
  });

  it("ignores late outcomes of calls admitted before the circuit opened", () => {
    const { breaker } = setup();
    const late = breaker.enter();
    fail(breaker, 3);
    late.settle();
    expect(breaker.state().name).toBe("open");
  });

  it("keeps one breaker per model and reports them all in a snapshot", () => {
    const { registry, breaker, clock } = setup();
    expect(registry.get("claude-test")).toBe(breaker);
    fail(breaker, 3);
    fail(registry.get("other-model"), 1);
    const openedAt = clock.now();
    clock.advance(5_000);
    expect(registry.snapshot()).toEqual([
      {
        model: "claude-test",
        state: "open",
        failures: 0,
        retryAfterMs: 25_000,
        since: new Date(openedAt).toISOString(),
        nextProbeAt: new Date(openedAt + 30_000).toISOString(),
        lastError: "upstream_overloaded: overloaded",
      },
      {
        model: "other-model",
        state: "closed",
        failures: 1,
        retryAfterMs: 0,
        since: new Date(openedAt).toISOString(),
        nextProbeAt: null,
        lastError: "upstream_overloaded: overloaded",
      },
    ]);
  });

  it("counts a request that fails again and again once, and distinct requests each once", () => {
    const { breaker } = setup();
    for (let i = 0; i < 5; i += 1) breaker.enter("same-request").settle(overloaded());
    expect(breaker.state()).toEqual({ name: "closed", failures: 1 });
    breaker.enter("second").settle(overloaded());
    breaker.enter("third").settle(overloaded());
    expect(breaker.state().name).toBe("open");
  });

  it("forgets the failing requests of a streak once a call succeeds", () => {
    const { breaker } = setup();
    breaker.enter("a").settle(overloaded());
    breaker.enter("b").settle();
    breaker.enter("a").settle(overloaded());
    expect(breaker.state()).toEqual({ name: "closed", failures: 1 });
  });

  it("tells the caller why the model is unavailable and when it will be tried again", () => {
    const { breaker, clock } = setup();
    fail(breaker, 3);
    clock.advance(10_000);
    expect(() => breaker.enter()).toThrow(
      expect.objectContaining({
        code: "circuit_open",
        retryAfterMs: 20_000,
        message:
          "Model claude-test is unavailable after repeated failures (last: upstream_overloaded: overloaded); the next probe is in 20 s.",
      }),
    );
  });
});

describe("assertCallable", () => {
  it("refuses while open or while a probe is out, without taking the probe slot", () => {
    const { breaker, clock } = setup();
    expect(() => breaker.assertCallable()).not.toThrow();
    fail(breaker, 3);
    expect(() => breaker.assertCallable()).toThrow(
      expect.objectContaining({ code: "circuit_open" }),
    );
    clock.advance(30_000);
    breaker.assertCallable();
    const probe = breaker.enter();
    expect(() => breaker.assertCallable()).toThrow(
      expect.objectContaining({ code: "circuit_open" }),
    );
    probe.settle();
  });
});
