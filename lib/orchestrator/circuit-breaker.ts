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
  /**
   * Lets a call through (taking the probe slot when half-open), or throws AppError("circuit_open").
   * `requestKey` identifies the request: while closed, failures count once per distinct request,
   * so one bad request retried (or one prompt that makes the upstream fail) cannot open the
   * circuit for every team on its own.
   */
  enter(requestKey?: string): BreakerPermit;
  /** Throws AppError("circuit_open") when `enter()` would, without taking the probe slot. */
  assertCallable(): void;
  /** When the current state began, and the failure that last counted against the model. */
  info(): { since: number; lastError: string | undefined };
}

/** A failure in words for the circuit's refusal message (code and upstream message, no secrets). */
function describe(error: unknown): string {
  if (!isAppError(error)) return "an unexpected error";
  const status = error.details?.upstreamStatus;
  return `${error.code}${typeof status === "number" ? ` ${status}` : ""}: ${error.message}`.slice(
    0,
    300,
  );
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

/** The error a caller gets while the circuit refuses calls: why, and when the next probe is due. */
function refusal(
  key: string,
  s: BreakerState,
  lastError: string | undefined,
  at: number,
): AppError {
  // While a probe is out there is no cooldown left to report, so no retryAfterMs.
  const retryAfterMs = s.name === "open" ? Math.max(0, s.until - at) : undefined;
  const cause = lastError ? ` after repeated failures (last: ${lastError})` : "";
  const next =
    retryAfterMs === undefined
      ? "a probe call is testing it"
      : `the next probe is in ${Math.ceil(retryAfterMs / 1000)} s`;
  return new AppError("circuit_open", `Model ${key} is unavailable${cause}; ${next}.`, {
    retryAfterMs,
    details: { model: key, state: s.name, ...(lastError ? { lastError } : {}) },
  });
}

export function createCircuitBreaker(key: string, options: BreakerOptions = {}): CircuitBreaker {
  const threshold = options.failureThreshold ?? 5;
  const cooldownMs = options.cooldownMs ?? 30_000;
  const isFailure = options.isFailure ?? isBreakerFailure;
  const now = options.now ?? Date.now;

  let state: BreakerState = { name: "closed", failures: 0 };
  /** When the current state began (epoch ms), for status pages. */
  let since = now();
  /** The failure that opened (or last counted against) the circuit: the cause users are told. */
  let lastError: string | undefined;
  /** Requests that failed in the current streak of failures. */
  const streak = new Set<string>();

  function set(next: BreakerState): void {
    // An open state's own start, so "since" and "next probe" are exactly one cool-down apart.
    if (next.name !== state.name) since = next.name === "open" ? next.openedAt : now();
    if (next.name === "closed" && next.failures === 0) streak.clear();
    state = next;
  }

  function current(): BreakerState {
    // Open → half-open happens lazily on read, so the breaker needs no timers.
    if (state.name === "open" && now() >= state.until) set({ name: "half-open", probing: false });
    return state;
  }

  function open(): void {
    const at = now();
    set({ name: "open", openedAt: at, until: at + cooldownMs });
  }

  function permit(isProbe: boolean, requestKey: string | undefined): BreakerPermit {
    let settled = false;
    return {
      settle(error?: unknown) {
        if (settled) return;
        settled = true;
        const outcome = outcomeOf(error, isFailure);
        if (outcome === "failure") lastError = describe(error);
        if (isProbe) {
          // A neutral probe proved nothing: let the next caller probe instead.
          if (outcome === "neutral") set({ name: "half-open", probing: false });
          else if (outcome === "success") set({ name: "closed", failures: 0 });
          else open();
          return;
        }
        const s = current();
        // Late outcomes of calls admitted before the circuit opened must not reset or re-open it.
        if (s.name !== "closed") return;
        if (outcome === "success") set({ name: "closed", failures: 0 });
        else if (outcome === "failure") {
          // The same request failing again says more about the request than about the model.
          if (requestKey !== undefined) {
            if (streak.has(requestKey)) return;
            streak.add(requestKey);
          }
          const failures = s.failures + 1;
          if (failures >= threshold) open();
          else set({ name: "closed", failures });
        }
      },
    };
  }

  return {
    key,
    state: current,
    info: () => ({ since, lastError }),
    enter(requestKey) {
      const s = current();
      if (s.name === "closed") return permit(false, requestKey);
      if (s.name === "half-open" && !s.probing) {
        state = { name: "half-open", probing: true };
        return permit(true, requestKey);
      }
      throw refusal(key, s, lastError, now());
    },
    assertCallable() {
      const s = current();
      if (s.name === "open" || (s.name === "half-open" && s.probing))
        throw refusal(key, s, lastError, now());
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
  /** When the current state began (ISO 8601). */
  since: string;
  /** When an open circuit lets its next probe through (ISO 8601); null otherwise. */
  nextProbeAt: string | null;
  /** The failure that last counted against the model, if any. */
  lastError: string | null;
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
        const { since, lastError } = breaker.info();
        return {
          model: breaker.key,
          state: s.name,
          failures: s.name === "closed" ? s.failures : 0,
          retryAfterMs: s.name === "open" ? Math.max(0, s.until - now()) : 0,
          since: new Date(since).toISOString(),
          nextProbeAt: s.name === "open" ? new Date(s.until).toISOString() : null,
          lastError: lastError ?? null,
        };
      });
    },
  };
}
