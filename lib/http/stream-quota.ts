import "server-only";
import { AppError } from "@/lib/errors";

export interface StreamQuotaOptions {
  /**
   * Open event streams one principal (API key or user) may hold in this process.
   * @default 32
   */
  perPrincipal?: number;
  /**
   * Open event streams one team may hold in this process.
   * @default 256
   */
  perTeam?: number;
}

export interface StreamHolder {
  teamId: string;
  /** principalId(): `key:<id>` or `user:<id>`. */
  principal: string;
}

/**
 * Counts the long-lived SSE streams a process holds, per principal and per team, so one client
 * cannot open thousands of them (each holds a socket, a subscription and buffers). Over a cap the
 * caller gets 429 with a retry-after, before the stream starts.
 */
export interface StreamQuota {
  /** Takes a slot or throws AppError("rate_limited"); call the release once the stream ends. */
  open(holder: StreamHolder): () => void;
  /** Open streams right now, for metrics and tests. */
  size(): number;
}

export function createStreamQuota(options: StreamQuotaOptions = {}): StreamQuota {
  const perPrincipal = options.perPrincipal ?? 32;
  const perTeam = options.perTeam ?? 256;
  const counts = new Map<string, number>();
  let total = 0;
  const add = (id: string, by: number) => {
    const n = (counts.get(id) ?? 0) + by;
    if (n === 0) counts.delete(id);
    else counts.set(id, n);
  };

  return {
    open({ teamId, principal }) {
      const team = `team:${teamId}`;
      const who = `${team}/${principal}`;
      if ((counts.get(who) ?? 0) >= perPrincipal || (counts.get(team) ?? 0) >= perTeam) {
        const subject = (counts.get(who) ?? 0) >= perPrincipal ? "You have" : "Your team has";
        throw new AppError(
          "rate_limited",
          `${subject} too many open event streams; close one and try again.`,
          { retryAfterMs: 5_000 },
        );
      }
      add(who, 1);
      add(team, 1);
      total += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        add(who, -1);
        add(team, -1);
        total -= 1;
      };
    },
    size: () => total,
  };
}

/**
 * Runs `release` exactly once when the iteration ends, however it ends: exhausted, failed, or
 * closed by its consumer (a client that went away) — even before its first event.
 */
export function releasingWhenDone<T>(
  events: AsyncIterable<T>,
  release: () => void,
): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const inner = events[Symbol.asyncIterator]();
      return {
        async next() {
          try {
            const result = await inner.next();
            if (result.done) release();
            return result;
          } catch (error) {
            release();
            throw error;
          }
        },
        async return(value?: unknown) {
          release();
          return (await inner.return?.(value)) ?? { done: true, value: undefined };
        },
      };
    },
  };
}
