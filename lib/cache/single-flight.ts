import { AppError, isAppError } from "@/lib/errors";

/**
 * One shared upstream call and its event buffer. Subscribers read the buffer with their own cursor
 * and sleep on a promise between events, so a thousand followers cost one array and one waiter each.
 */
type FlightState =
  /** Upstream is producing; more events may come. */
  | { kind: "running" }
  /** Upstream finished normally; the buffer is the whole stream. */
  | { kind: "done" }
  /** Upstream failed or every participant left; each reader gets this error after the buffer. */
  | { kind: "failed"; error: AppError };

class Flight<T> {
  readonly events: T[] = [];
  state: FlightState = { kind: "running" };
  participants = 0;
  readonly controller = new AbortController();
  #waiters = new Set<() => void>();

  push(event: T): void {
    if (this.state.kind !== "running") return;
    this.events.push(event);
    this.#wake();
  }

  settle(state: FlightState): void {
    if (this.state.kind !== "running") return;
    this.state = state;
    this.#wake();
  }

  /** Resolves on the next push or settle, or when `cancel` is called by the subscriber. */
  wait(register: (cancel: () => void) => void): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#waiters.add(resolve);
      register(() => {
        this.#waiters.delete(resolve);
        resolve();
      });
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = new Set();
    for (const resolve of waiters) resolve();
  }
}

export interface JoinOptions {
  /** Detaches this participant only; upstream is aborted when every participant has left. */
  signal?: AbortSignal;
}

export interface Participation<T> {
  /** True for the caller that started the upstream call. */
  leader: boolean;
  /** The whole stream from its first event, live; throws the shared AppError if upstream fails. */
  events: AsyncIterable<T>;
}

export interface SingleFlightOptions {
  /**
   * Turns an upstream failure into the AppError every participant receives.
   * @default toFlightError
   */
  toError?: (error: unknown, eventsSoFar: number) => AppError;
}

export interface SingleFlight<T> {
  /**
   * Joins the in-flight call for key, or starts one with `start`. `start` receives a signal that
   * aborts only when every participant has left. The caller must consume (or break out of)
   * `events`: that is how it leaves.
   */
  join(
    key: string,
    start: (signal: AbortSignal) => AsyncIterable<T>,
    options?: JoinOptions,
  ): Participation<T>;
  /** Calls currently in flight. */
  inFlight(): number;
}

/** In-process coalescing of identical calls that shares the stream itself, not just its result. */
export function createSingleFlight<T>(options: SingleFlightOptions = {}): SingleFlight<T> {
  const toError = options.toError ?? toFlightError;
  const flights = new Map<string, Flight<T>>();

  const forget = (key: string, flight: Flight<T>) => {
    if (flights.get(key) === flight) flights.delete(key);
  };
  // Nobody is listening: forget the flight first so a new caller starts afresh, then stop it.
  const abandon = (key: string, flight: Flight<T>) => {
    forget(key, flight);
    flight.settle({ kind: "failed", error: cancelled() });
    flight.controller.abort(cancelled());
  };

  return {
    join(key, start, joinOptions = {}) {
      const existing = flights.get(key);
      if (existing !== undefined && existing.state.kind === "running") {
        const events = subscribe(existing, joinOptions.signal, () => abandon(key, existing));
        return { leader: false, events };
      }
      const flight = new Flight<T>();
      flights.set(key, flight);
      // Subscribe before the pump starts so the leader counts as a participant from the outset.
      const events = subscribe(flight, joinOptions.signal, () => abandon(key, flight));
      void pump(flight, start, toError).finally(() => forget(key, flight));
      return { leader: true, events };
    },
    inFlight: () => flights.size,
  };
}

/** Runs the upstream call and feeds its events into the flight until it ends or fails. */
async function pump<T>(
  flight: Flight<T>,
  start: (signal: AbortSignal) => AsyncIterable<T>,
  toError: (error: unknown, eventsSoFar: number) => AppError,
): Promise<void> {
  try {
    for await (const event of start(flight.controller.signal)) {
      // After everyone left, stop pulling: a provider that ignores its signal cannot keep us busy.
      if (flight.state.kind !== "running") return;
      flight.push(event);
    }
    flight.settle({ kind: "done" });
  } catch (error) {
    flight.settle({ kind: "failed", error: toError(error, flight.events.length) });
  }
}

/**
 * One participant: reads the flight's buffer from its first event with its own cursor, and
 * leaves when it stops reading or its signal aborts; the last to leave a running flight calls
 * `abandon`.
 */
function subscribe<T>(
  flight: Flight<T>,
  signal: AbortSignal | undefined,
  abandon: () => void,
): AsyncIterable<T> {
  flight.participants += 1;
  let left = false;
  let cancelWait: (() => void) | undefined;
  const leave = () => {
    if (left) return;
    left = true;
    signal?.removeEventListener("abort", onAbort);
    flight.participants -= 1;
    if (flight.participants === 0 && flight.state.kind === "running") abandon();
  };
  const onAbort = () => {
    cancelWait?.();
    leave();
  };
  if (signal?.aborted) queueMicrotask(onAbort);
  else signal?.addEventListener("abort", onAbort, { once: true });

  async function* read(): AsyncGenerator<T, void, undefined> {
    let cursor = 0;
    try {
      for (;;) {
        if (left) throw cancelled();
        if (cursor < flight.events.length) {
          yield flight.events[cursor++] as T;
          continue;
        }
        if (flight.state.kind === "done") return;
        if (flight.state.kind === "failed") throw flight.state.error;
        await flight.wait((cancel) => {
          cancelWait = cancel;
        });
        cancelWait = undefined;
      }
    } finally {
      leave();
    }
  }
  return read();
}

function cancelled(): AppError {
  return new AppError("cancelled", "The model call was cancelled");
}

/**
 * AppErrors pass through (an upstream_overloaded stays one, so the orchestrator can classify it);
 * aborts become `cancelled`; anything else is stream_interrupted once events flowed, else
 * upstream_error.
 */
export function toFlightError(error: unknown, eventsSoFar: number): AppError {
  if (isAppError(error)) return error;
  if (
    error instanceof Error &&
    (error.name === "AbortError" || error.name === "APIUserAbortError")
  ) {
    return new AppError("cancelled", "The model call was cancelled", { cause: error });
  }
  return eventsSoFar > 0
    ? new AppError("stream_interrupted", "The model stream failed mid-way", { cause: error })
    : new AppError("upstream_error", "The model call failed", { cause: error });
}
