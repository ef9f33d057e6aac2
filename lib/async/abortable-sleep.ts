/**
 * Waits `ms` milliseconds, or rejects at once with the signal's reason when it aborts; the timer
 * and the listener are both cleaned up either way. Driven by the global setTimeout, so fake timers
 * control it in tests.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The shape of an injectable sleep (tests pass one that resolves at once). Must honour `signal`. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
