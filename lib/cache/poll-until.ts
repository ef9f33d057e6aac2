import { abortableSleep } from "@/lib/async";

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
