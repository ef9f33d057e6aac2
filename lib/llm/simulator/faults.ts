import { parseDirectiveList, type SimDirectives } from "./directives";

/** A fault queued through `POST /_sim/faults` or `sim.queueFault()`. */
export interface QueuedFault {
  /** Directives in marker syntax without the brackets, e.g. "status=429,retry-after=1". */
  directive: string;
  /** How many matching requests it applies to. @default 1 */
  times?: number;
  /** Only requests for this model match. @default any model */
  model?: string;
}

interface Pending {
  directives: SimDirectives;
  left: number;
  model?: string;
}

/** FIFO of queued faults: each request takes (one use of) the first one matching its model. */
export class FaultQueue {
  #pending: Pending[] = [];

  /** Validates and queues; throws DirectiveError on a bad directive. */
  add(fault: QueuedFault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new RangeError("times must be an integer >= 1");
    this.#pending.push({
      directives: parseDirectiveList(fault.directive),
      left: times,
      model: fault.model,
    });
  }

  take(model: string): SimDirectives | undefined {
    if (this.#pending.length === 0) return undefined;
    const index = this.#pending.findIndex((p) => p.model === undefined || p.model === model);
    const found = this.#pending[index];
    if (!found) return undefined;
    found.left--;
    if (found.left === 0) this.#pending.splice(index, 1);
    return found.directives;
  }

  list(): Array<{ directives: SimDirectives; left: number; model?: string }> {
    return this.#pending.map((p) => ({ ...p, directives: { ...p.directives } }));
  }

  clear(): void {
    this.#pending = [];
  }
}

/**
 * Counts attempts per request hash for `fail-first=K`. Bounded so a long benchmark with unique
 * prompts cannot grow it without end (a reset of the count only makes a fault repeat).
 */
export class AttemptCounter {
  #counts = new Map<string, number>();
  constructor(private readonly max = 100_000) {}

  /** Records one attempt and returns its 1-based number. */
  next(hash: string): number {
    const n = (this.#counts.get(hash) ?? 0) + 1;
    if (this.#counts.size >= this.max && n === 1) this.#counts.clear();
    this.#counts.set(hash, n);
    return n;
  }

  clear(): void {
    this.#counts.clear();
  }
}
