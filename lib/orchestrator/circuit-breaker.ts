import { AppError, isAppError } from "@/lib/errors";
import { upstreamStatus } from "./retry-policy";

/** The breaker of one model, as a state machine. */
export type BreakerState =
  /** Calls flow; `failures` counts consecutive transient upstream failures. */
  | { name: "closed"; failures: number }
  /** Calls fail fast with circuit_open until `until` (epoch ms), when a probe is allowed. */
  | { name: "open"; openedAt: number; until: number }
  /** The cooldown is over: exactly one probe call is let through and its outcome decides. */
  | { name: "half-open"; probing: boolean };

export interface BreakerOptions {
  /**
   * Consecutive transient failures that open the circuit.
   * @default 5
   */
  failureThreshold?: number;
  /**
   * How long an open circuit fails fast before letting one probe through.
   * @default 30000
   */
  cooldownMs?: number;
  /**
   * Which errors count against the model. Other upstream_* errors are taken as proof that the
   * upstream answered (a 400 means the model is up) and reset the count; the rest (cancelled,
   * deadline_exceeded, our own errors) leave the breaker as it was.
   * @default isBreakerFailure
   */
  isFailure?: (error: unknown) => boolean;
  /**
   * The clock, in epoch milliseconds (injected by tests).
   * @default Date.now
   */
  now?: () => number;
}

/** The right to make one call; settle it exactly once with the call's outcome. */
export interface BreakerPermit {
  /** Reports the outcome: no argument for success, the error for a failure. Later calls are ignored. */
  settle(error?: unknown): void;
}

export interface CircuitBreaker {
  readonly key: string;
  /** The current state, after any cooldown that has run out. */
  state(): BreakerState;
  /** Lets a call through (taking the probe slot when half-open), or throws AppError("circuit_open"). */
  enter(): BreakerPermit;
  /** Throws AppError("circuit_open") when `enter()` would, without taking the probe slot. */
  assertCallable(): void;
}

/**
 * The default failure rule: only transient upstream trouble says the model is unwell.
 * A 429 does not count: it is about our quota, carries its own retry-after, and one team's burst
 * should not shut the model for every team.
 */
export function isBreakerFailure(error: unknown): boolean {
  if (!isAppError(error)) return false;
  switch (error.code) {
    case "upstream_connection":
    case "upstream_timeout":
    case "upstream_overloaded":
    case "stream_interrupted":
      return true;
    case "upstream_error":
      return upstreamStatus(error) >= 500;
    default:
      return false;
  }
}

type Outcome = "success" | "failure" | "neutral";

function outcomeOf(error: unknown, isFailure: (error: unknown) => boolean): Outcome {
  if (error === undefined) return "success";
  if (isFailure(error)) return "failure";
  // Any other upstream answer (a 400, a 429) proves the model is reachable.
  if (isAppError(error) && error.code.startsWith("upstream_")) return "success";
  // Cancellations, deadlines and our own errors say nothing about the model's health.
  return "neutral";
}

export function createCircuitBreaker(key: string, options: BreakerOptions = {}): CircuitBreaker {
  const threshold = options.failureThreshold ?? 5;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const isFailure = options.isFailure ?? isBreakerFailure;
  const now = options.now ?? Date.now;

  let state: BreakerState = { name: "closed", failures: 0 };

  function current(): BreakerState {
    // Open → half-open happens lazily on read, so the breaker needs no timers.
    if (state.name === "open" && now() >= state.until)
      state = { name: "half-open", probing: false };
    return state;
  }

  function open(): void {
    const at = now();
    state = { name: "open", openedAt: at, until: at + cooldownMs };
  }

  function permit(isProbe: boolean): BreakerPermit {
    let settled = false;
    return {
      settle(error?: unknown) {
        if (settled) return;
        settled = true;
        const outcome = outcomeOf(error, isFailure);
        if (isProbe) {
          // A neutral probe proved nothing: let the next caller probe instead.
          if (outcome === "neutral") state = { name: "half-open", probing: false };
          else if (outcome === "success") state = { name: "closed", failures: 0 };
          else open();
          return;
        }
        const s = current();
        // Late outcomes of calls admitted before the circuit opened must not reset or re-open it.
        if (s.name !== "closed") return;
        if (outcome === "success") state = { name: "closed", failures: 0 };
        else if (outcome === "failure") {
          const failures = s.failures + 1;
          if (failures >= threshold) open();
          else state = { name: "closed", failures };
        }
      },
    };
  }

  function refusal(s: BreakerState): AppError {
    // While a probe is out there is no cooldown left to report, so no retryAfterMs.
    const retryAfterMs = s.name === "open" ? Math.max(0, s.until - now()) : undefined;
    return new AppError("circuit_open", `The circuit for model ${key} is open; failing fast.`, {
      retryAfterMs,
      details: { model: key, state: s.name },
    });
  }

  return {
    key,
    state: current,
    enter() {
      const s = current();
      if (s.name === "closed") return permit(false);
      if (s.name === "half-open" && !s.probing) {
        state = { name: "half-open", probing: true };
        return permit(true);
      }
      throw refusal(s);
    },
    assertCallable() {
      const s = current();
      if (s.name === "open" || (s.name === "half-open" && s.probing)) throw refusal(s);
    },
  };
}

/** One breaker's state for a status page. */
export interface BreakerSnapshot {
  model: string;
  state: BreakerState["name"];
  /** Consecutive failures counted while closed. */
  failures: number;
  /** Milliseconds until an open circuit lets a probe through; 0 otherwise. */
  retryAfterMs: number;
}

export interface BreakerRegistry {
  /** The breaker for `model`, created closed on first use. */
  get(model: string): CircuitBreaker;
  snapshot(): BreakerSnapshot[];
}

/** Breakers keyed by model, sharing one set of options. The app keeps one per process. */
export function createBreakerRegistry(options: BreakerOptions = {}): BreakerRegistry {
  const breakers = new Map<string, CircuitBreaker>();
  const now = options.now ?? Date.now;
  return {
    get(model) {
      let breaker = breakers.get(model);
      if (!breaker) {
        breaker = createCircuitBreaker(model, options);
        breakers.set(model, breaker);
      }
      return breaker;
    },
    snapshot() {
      return [...breakers.values()].map((breaker) => {
        const s = breaker.state();
        return {
          model: breaker.key,
          state: s.name,
          failures: s.name === "closed" ? s.failures : 0,
          retryAfterMs: s.name === "open" ? Math.max(0, s.until - now()) : 0,
        };
      });
    },
  };
}
