import { AppError } from "@/lib/errors";

/**
 * Merges optional signals into one that aborts when any of them does, keeping the first reason.
 * A thin wrapper over `AbortSignal.any` that tolerates `undefined` entries.
 */
export function anySignal(signals: ReadonlyArray<AbortSignal | undefined>): AbortSignal {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (present.length === 1 && present[0]) return present[0];
  return AbortSignal.any(present);
}

/** A signal that aborts after `ms`, and the means to stop its timer early. */
export interface Timeout {
  readonly signal: AbortSignal;
  /** Stops the timer; call it in `finally` so a finished operation leaves nothing scheduled. */
  clear(): void;
}

/**
 * Like `AbortSignal.timeout`, but clearable and driven by the global `setTimeout`.
 * Why not `AbortSignal.timeout`: its timer cannot be cancelled (a finished attempt would leave it
 * pending until it fires) and it ignores test fake timers, which makes deadlines untestable.
 */
export function createTimeout(ms: number, reason: () => unknown): Timeout {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(reason()), Math.max(0, ms));
  return {
    signal: controller.signal,
    clear: () => clearTimeout(timer),
  };
}

/** The error to surface for an aborted signal: its reason when that is an AppError, else `cancelled`. */
export function abortError(signal: AbortSignal): AppError {
  const reason: unknown = signal.reason;
  if (reason instanceof AppError) return reason;
  return new AppError("cancelled", "The operation was cancelled.", { cause: reason });
}

/**
 * Settles with `promise`, or rejects with the abort error as soon as `signal` aborts, whichever
 * comes first. Guarantees promptness even when the awaited work ignores its signal; the losing
 * promise's rejection is swallowed so it cannot become an unhandled rejection.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
