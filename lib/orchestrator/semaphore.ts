import { AppError } from "@/lib/errors";

/** Gives a permit back. Calling it more than once is harmless: only the first call counts. */
export type Release = () => void;

export interface SemaphoreStats {
  /** Permits held by callers right now. */
  active: number;
  /** Callers queued for a permit, oldest first. */
  waiting: number;
  /** The most permits that may be held at once. */
  limit: number;
}

/** A FIFO counting semaphore: permits go to waiters in arrival order, never to a newcomer first. */
export interface Semaphore {
  /**
   * Resolves with a release function once a permit is held. When `signal` aborts while waiting,
   * the waiter leaves the queue and the promise rejects with AppError("cancelled").
   */
  acquire(signal?: AbortSignal): Promise<Release>;
  stats(): SemaphoreStats;
}

interface Waiter {
  grant: (release: Release) => void;
}

/**
 * Creates a semaphore with `limit` permits. The app makes one process-wide instance for upstream
 * calls; the orchestrator makes one more per run. There is deliberately no module-level instance:
 * tests and the app each decide their own.
 */
export function createSemaphore(limit: number): Semaphore {
  // A configuration mistake, not a user-facing outcome, hence a plain RangeError.
  if (!(limit >= 1)) throw new RangeError(`Semaphore limit must be at least 1, got ${limit}.`);

  let active = 0;
  const queue: Waiter[] = [];

  function makeRelease(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = queue.shift();
      // Hand the permit straight to the oldest waiter so `active` never dips and lets a newcomer in.
      if (next) next.grant(makeRelease());
      else active -= 1;
    };
  }

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(cancelled(signal));
      if (active < limit && queue.length === 0) {
        active += 1;
        return Promise.resolve(makeRelease());
      }
      return new Promise<Release>((resolve, reject) => {
        const onAbort = () => {
          const index = queue.indexOf(waiter);
          if (index !== -1) queue.splice(index, 1);
          reject(cancelled(signal as AbortSignal));
        };
        const waiter: Waiter = {
          grant: (release) => {
            signal?.removeEventListener("abort", onAbort);
            resolve(release);
          },
        };
        queue.push(waiter);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
    stats: () => ({ active, waiting: queue.length, limit }),
  };
}

function cancelled(signal: AbortSignal): AppError {
  return new AppError("cancelled", "Cancelled while waiting for a concurrency permit.", {
    cause: signal.reason,
  });
}

/**
 * Acquires one permit from each semaphore in the order given (the run's, then the process-wide
 * one), so a run never holds a global permit while queued behind its own limit. If a later
 * acquisition fails, the permits already held are given back before rethrowing.
 */
export async function acquireAll(
  semaphores: readonly Semaphore[],
  signal?: AbortSignal,
): Promise<Release> {
  const held: Release[] = [];
  try {
    for (const semaphore of semaphores) held.push(await semaphore.acquire(signal));
  } catch (error) {
    // Reverse order: give back the global permit before the run's, mirroring acquisition.
    for (const release of held.reverse()) release();
    throw error;
  }
  return () => {
    for (const release of [...held].reverse()) release();
  };
}
