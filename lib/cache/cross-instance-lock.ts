/** Proof of holding a flight lock. Releasing twice, or after the TTL lapsed, is harmless. */
export interface FlightLockHandle {
  release(): Promise<void>;
}

export interface AcquireOptions {
  /**
   * The lease: the lock lapses this long after its last renewal, so a crashed or frozen holder
   * blocks a key for at most one lease, while a live one keeps it as long as its call takes.
   */
  ttlMs: number;
  /**
   * How often a live holder renews its lease (until it releases). Several renewals fit in one
   * lease, so one slow round trip does not lose the lock. 0 never renews (the lock then lapses
   * one lease after it was taken, as a dead holder's does).
   * @default ttlMs / 3
   */
  renewEveryMs?: number;
  signal?: AbortSignal;
}

/** The renewal interval for a lease; 0 when the holder must not renew. */
export function renewInterval(options: AcquireOptions): number {
  const every = options.renewEveryMs ?? options.ttlMs / 3;
  return every > 0 ? Math.max(1, Math.floor(every)) : 0;
}

/**
 * Calls `renew` every `everyMs` until the returned stop is called (or `renew` says the lease is
 * gone). The timer never keeps the process alive; a failed renewal is retried at the next tick.
 */
export function keepRenewing(everyMs: number, renew: () => Promise<boolean>): () => void {
  if (everyMs <= 0) return () => {};
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    renew()
      .then((held) => {
        if (!held) clearInterval(timer);
      })
      .catch(() => {})
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
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

/** How an attempt on the cross-instance lock ended. */
export type LockAttempt =
  /** This instance leads: call upstream, store, then release. */
  | { kind: "acquired"; release: () => Promise<void> }
  /** Another instance leads: wait for its release, then read its answer from L2. */
  | { kind: "held" }
  /** The lock's store is down: compute without it (duplicate calls, never failed ones). */
  | { kind: "unavailable"; error: unknown };

/** One non-waiting acquire, as a tagged result; rethrows only the caller's own abort. */
export async function attemptLock(
  lock: FlightLock,
  key: string,
  options: AcquireOptions & { signal: AbortSignal },
): Promise<LockAttempt> {
  try {
    const handle = await lock.acquire(key, options);
    return handle === null
      ? { kind: "held" }
      : { kind: "acquired", release: () => handle.release() };
  } catch (error) {
    options.signal.throwIfAborted();
    return { kind: "unavailable", error };
  }
}

interface Held {
  token: symbol;
  released: Promise<void>;
  release: () => void;
  timer: ReturnType<typeof setTimeout>;
  stopRenewing: () => void;
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
    current.stopRenewing();
    current.release();
  };

  return {
    async acquire(key, options) {
      options.signal?.throwIfAborted();
      if (held.has(key)) return null;
      const token = Symbol(key);
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const timer = setTimeout(() => free(key, token), options.ttlMs);
      // A lapsed lock must not keep the process alive.
      timer.unref?.();
      // Renewing restarts the lease's clock, as a store's expiry would be pushed back.
      const stopRenewing = keepRenewing(renewInterval(options), async () => {
        if (held.get(key)?.token !== token) return false;
        timer.refresh();
        return true;
      });
      held.set(key, { token, released, release, timer, stopRenewing });
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
