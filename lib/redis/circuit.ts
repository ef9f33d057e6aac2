/**
 * The Redis breaker's state. While Redis is down, every command would otherwise wait for a
 * timeout or a reconnect (a second per request); with the circuit open it fails in microseconds.
 */
export type RedisCircuitState =
  /** Commands go through. */
  | { state: "closed" }
  /**
   * Redis failed at `since`. `down`: the connection is gone, and commands fail at once until it is
   * ready again. `slow`: a command timed out on a live connection; commands fail at once until
   * `probeAt`, then one probe goes.
   */
  | { state: "open"; reason: "down" | "slow"; since: number; probeAt: number }
  /** One probe is in flight; the others fail at once until it answers. */
  | { state: "half-open"; since: number };

/** The ioredis connection status (`client.status`). */
export type ConnectionStatus = string;

export interface RedisCircuit {
  /** Whether a command may go to Redis now (false: fail it at once). */
  allow(status: ConnectionStatus): boolean;
  /** A command answered (a reply error such as NOSCRIPT counts: Redis is there). */
  succeeded(): void;
  /** A command timed out or its connection failed. */
  failed(): void;
  /** The connection dropped: open now, without waiting for a command to time out. */
  disconnected(): void;
  readonly current: RedisCircuitState;
}

/** A circuit that opens on the first failure and closes on the first success after it. */
export function createRedisCircuit(options: {
  cooldownMs: number;
  now?: () => number;
  /** Told when the circuit opens and when it closes again (to log once per outage). */
  onChange?: (state: RedisCircuitState) => void;
}): RedisCircuit {
  const now = options.now ?? Date.now;
  let current: RedisCircuitState = { state: "closed" };
  const set = (next: RedisCircuitState) => {
    const changed = (next.state === "closed") !== (current.state === "closed");
    current = next;
    if (changed) options.onChange?.(next);
  };
  const open = (reason: "down" | "slow") => {
    const since = current.state === "closed" ? now() : current.since;
    set({ state: "open", reason, since, probeAt: now() + options.cooldownMs });
  };
  return {
    get current() {
      return current;
    },
    allow(status) {
      // The (re)connection's own handshake (AUTH, SELECT, the ready check) must always go.
      if (status === "connect" || current.state === "closed") return true;
      if (current.state === "half-open") return false;
      // A connection that went away is tried again as soon as ioredis has it back.
      if (current.reason === "down") return status === "ready";
      if (now() < current.probeAt) return false;
      set({ state: "half-open", since: current.since });
      return true;
    },
    succeeded() {
      if (current.state !== "closed") set({ state: "closed" });
    },
    failed() {
      open(current.state === "open" ? current.reason : "slow");
    },
    disconnected() {
      open("down");
    },
  };
}
