import "server-only";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";

export interface WriteRetry {
  /** The run's deadline (epoch ms): past it a write is not tried again. */
  until: number;
  /** Told once per outage, when the first write fails. */
  onOutage?: (error: unknown) => void;
  /** @default 100 */
  firstDelayMs?: number;
  /** @default 2000 */
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * A run's database write, tried again while the database is unavailable (connection refused, a
 * pool that cannot connect, the server restarting) with a capped backoff, until the run's
 * deadline: a short outage delays what the run records, it does not end the run. Any other error
 * — a bug, a constraint — is thrown at once.
 */
export async function retryWhileUnavailable<T>(write: () => Promise<T>, o: WriteRetry): Promise<T> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  let delay = o.firstDelayMs ?? 100;
  let told = false;
  for (;;) {
    try {
      return await write();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || now() + delay > o.until) throw error;
      if (!told) o.onOutage?.(error);
      told = true;
      await sleep(delay);
      delay = Math.min(delay * 2, o.maxDelayMs ?? 2_000);
    }
  }
}
