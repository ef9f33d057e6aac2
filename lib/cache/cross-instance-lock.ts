/** Proof of holding a flight lock. Releasing twice, or after the TTL lapsed, is harmless. */
export interface FlightLockHandle {
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** The lock lapses after this long, so a crashed holder cannot block a key for ever. */
  ttlMs: number;
  signal?: AbortSignal;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** Give up waiting after this long; the caller then computes the answer itself. */
  timeoutMs: number;
}

/**
 * Cross-instance single-flight: the instance that holds a key's lock calls upstream; the others
 * wait for its release and then read the stored answer from L2. Redis and Postgres (advisory lock)
 * implementations come later.
 */
export interface FlightLock {
  /** The lock for key, or null when another holder has it. Never waits. */
  acquire(key: string, options: AcquireOptions): Promise<FlightLockHandle | null>;
  /**
   * Resolves when key is released, lapses, or timeoutMs passes; rejects only if `signal` aborts.
   * Resolves at once when nobody holds it.
   */
  waitForRelease(key: string, options: WaitOptions): Promise<void>;
}

interface Held {
  token: symbol;
  released: Promise<void>;
  release: () => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The lock for one process. In-process callers are already coalesced by single-flight, so this
 * rarely contends; it exists so a single instance needs no Redis, and so tests can put two caches
 * on one "shared" lock.
 */
export function createLocalFlightLock(): FlightLock {
  const held = new Map<string, Held>();

  const free = (key: string, token: symbol) => {
    const current = held.get(key);
    if (current?.token !== token) return;
    held.delete(key);
    clearTimeout(current.timer);
    current.release();
  };

  return {
    async acquire(key, { ttlMs, signal }) {
      signal?.throwIfAborted();
      if (held.has(key)) return null;
      const token = Symbol(key);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const timer = setTimeout(() => free(key, token), ttlMs);
      // A lapsed lock must not keep the process alive.
      timer.unref?.();
      held.set(key, { token, released, release, timer });
      return { release: async () => free(key, token) };
    },

    async waitForRelease(key, { signal, timeoutMs }) {
      signal?.throwIfAborted();
      const current = held.get(key);
      if (current === undefined) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let onAbort: (() => void) | undefined;
      try {
        await Promise.race([
          current.released,
          new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
          new Promise<never>((_, reject) => {
            onAbort = () => reject(signal?.reason);
            signal?.addEventListener("abort", onAbort, { once: true });
          }),
        ]);
      } finally {
        clearTimeout(timer);
        if (onAbort) signal?.removeEventListener("abort", onAbort);
      }
    },
  };
}
