/** Resolves after ms, or rejects with the signal's reason as soon as it aborts. Cleans up both. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Polls `isFree` with exponential backoff (minMs doubling to maxMs) until it returns true or
 * timeoutMs passes; rejects only when the signal aborts. Shared by the cross-instance locks.
 */
export async function pollUntil(
  isFree: () => Promise<boolean>,
  options: { timeoutMs: number; minMs: number; maxMs: number; signal?: AbortSignal },
): Promise<void> {
  const { signal } = options;
  signal?.throwIfAborted();
  const deadline = Date.now() + options.timeoutMs;
  let delay = options.minMs;
  while (!(await isFree())) {
    signal?.throwIfAborted();
    const left = deadline - Date.now();
    if (left <= 0) return;
    await abortableSleep(Math.min(delay, left), signal);
    delay = Math.min(delay * 2, options.maxMs);
  }
}
