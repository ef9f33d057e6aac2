/** What the simulator set out to do with a request. */
export type SimOutcome =
  | "ok"
  | "http_error"
  | "rate_limited"
  | "hang"
  | "drop"
  | "disconnect"
  | "stream_error"
  | "stall"
  | "invalid_json";

/** Counters since start (or the last reset); the gauges (inFlight, openConnections) are live. */
export interface SimulatorStats {
  /** POST /v1/messages requests received, whatever became of them. */
  requests: number;
  /** Of those, how many asked for `stream: true`. */
  streamed: number;
  outcomes: Record<SimOutcome, number>;
  /** HTTP status sent, by status code ("200", "429", …). Mid-stream errors count as 200. */
  statuses: Record<string, number>;
  /** Requests accepted and not yet closed. */
  inFlight: number;
  /** TCP connections open right now. */
  openConnections: number;
  /** TCP connections accepted. */
  connections: number;
  /** Requests whose client went away before the response was complete (aborts, timeouts). */
  clientClosed: number;
  /** Tokens of the answers the simulator began to send. */
  inputTokens: number;
  outputTokens: number;
}

export function emptyStats(): SimulatorStats {
  return {
    requests: 0,
    streamed: 0,
    outcomes: {
      ok: 0,
      http_error: 0,
      rate_limited: 0,
      hang: 0,
      drop: 0,
      disconnect: 0,
      stream_error: 0,
      stall: 0,
      invalid_json: 0,
    },
    statuses: {},
    inFlight: 0,
    openConnections: 0,
    connections: 0,
    clientClosed: 0,
    inputTokens: 0,
    outputTokens: 0,
  };
}

/** A fresh counter set that keeps the live gauges. */
export function resetStats(current: SimulatorStats): SimulatorStats {
  return {
    ...emptyStats(),
    inFlight: current.inFlight,
    openConnections: current.openConnections,
  };
}

export function snapshotStats(current: SimulatorStats): SimulatorStats {
  return { ...current, outcomes: { ...current.outcomes }, statuses: { ...current.statuses } };
}
