import type { OutboundLimits } from "./limits";

/** What one call weighs at admission: one request and its estimated input tokens. */
export interface Admission {
  /** Unique per call: settle finds its reservation by it. */
  id: string;
  model: string;
  limits: OutboundLimits;
  inputTokens: number;
}

/** Room was taken, or the wait (ms) until there may be room (a hold, or the window's oldest). */
export type TakeResult = { ok: true } | { ok: false; waitMs: number };

/**
 * The shared record of what went upstream per model in the last window: sliding logs of
 * requests, input tokens and output tokens, so no window of that length ever holds more than the
 * limit (a fixed window lets twice the limit through across its boundary), plus a hold that
 * stops every instance's calls for a model until a time the upstream named.
 */
export interface OutboundStore {
  take(admission: Admission): Promise<TakeResult>;
  /** Replaces the estimate with the real input, and records the output, of an admitted call. */
  settle(admission: Admission, usage: { inputTokens: number; outputTokens: number }): Promise<void>;
  /** Holds every call for `model` for `ms` (a 429's retry-after, an exhausted budget's reset). */
  hold(model: string, ms: number): Promise<void>;
}

interface Entry {
  at: number;
  weight: number;
  id: string;
}

/** Weighted entries in time order; sums are kept, so a check costs the entries that expired. */
class SlidingLog {
  entries: Entry[] = [];
  sum = 0;

  prune(since: number): void {
    let drop = 0;
    while (drop < this.entries.length && this.entries[drop]!.at <= since) {
      this.sum -= this.entries[drop]!.weight;
      drop++;
    }
    if (drop > 0) this.entries.splice(0, drop);
  }

  /** ms until `weight` more fits under `limit` (0: it fits now). */
  waitFor(weight: number, limit: number, now: number, windowMs: number): number {
    const need = this.sum + Math.min(weight, limit) - limit;
    if (need <= 0) return 0;
    let freed = 0;
    for (const entry of this.entries) {
      freed += entry.weight;
      if (freed >= need) return Math.max(1, entry.at + windowMs - now);
    }
    return windowMs;
  }

  add(entry: Entry): void {
    this.entries.push(entry);
    this.sum += entry.weight;
  }

  reweigh(id: string, weight: number): void {
    const entry = this.entries.find((e) => e.id === id);
    if (!entry) return;
    this.sum += weight - entry.weight;
    entry.weight = weight;
  }
}

interface ModelLogs {
  requests: SlidingLog;
  input: SlidingLog;
  output: SlidingLog;
  holdUntil: number;
}

/** The store for one process (no Redis): the same sliding logs in memory. */
export function createMemoryOutboundStore(
  windowMs: number,
  now: () => number = Date.now,
): OutboundStore {
  const models = new Map<string, ModelLogs>();
  const logsOf = (model: string) => {
    let logs = models.get(model);
    if (!logs) {
      logs = {
        requests: new SlidingLog(),
        input: new SlidingLog(),
        output: new SlidingLog(),
        holdUntil: 0,
      };
      models.set(model, logs);
    }
    return logs;
  };
  return {
    async take({ id, model, limits, inputTokens }) {
      const t = now();
      // No limits and no hold: nothing to keep for this model (clients name any model they like).
      if (!limits.rpm && !limits.itpm && !limits.otpm && !models.has(model)) return { ok: true };
      const logs = logsOf(model);
      if (logs.holdUntil > t) return { ok: false, waitMs: logs.holdUntil - t };
      const checks: [SlidingLog, number, number | undefined][] = [
        [logs.requests, 1, limits.rpm],
        [logs.input, inputTokens, limits.itpm],
        // Output is unknown before the call: admit while the window has any room left.
        [logs.output, 1, limits.otpm],
      ];
      let waitMs = 0;
      for (const [log, weight, limit] of checks) {
        log.prune(t - windowMs);
        if (limit) waitMs = Math.max(waitMs, log.waitFor(weight, limit, t, windowMs));
      }
      if (waitMs > 0) return { ok: false, waitMs };
      if (limits.rpm) logs.requests.add({ at: t, weight: 1, id });
      if (limits.itpm) logs.input.add({ at: t, weight: inputTokens, id });
      return { ok: true };
    },
    async settle({ id, model, limits }, usage) {
      const logs = logsOf(model);
      if (limits.itpm) logs.input.reweigh(id, usage.inputTokens);
      if (limits.otpm && usage.outputTokens > 0) {
        logs.output.add({ at: now(), weight: usage.outputTokens, id });
      }
    },
    async hold(model, ms) {
      const logs = logsOf(model);
      logs.holdUntil = Math.max(logs.holdUntil, now() + ms);
    },
  };
}
