import { abortError } from "./signals";

/** Waits `ms` milliseconds, or rejects at once with the abort error when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
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
