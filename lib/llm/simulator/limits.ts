/**
 * The API's per-model rate limits, as token buckets that refill continuously (requests, input
 * tokens and output tokens per minute), with the `anthropic-ratelimit-*` headers every answer
 * carries and a 429 `rate_limit_error` with `retry-after` when a bucket cannot cover a request.
 * Input tokens are charged when a request is admitted (uncached input plus cache writes; cache
 * reads are free, as on the API); output tokens once the answer is known.
 */
import type { OutgoingHttpHeaders } from "node:http";

/** One model's limits, per minute. An omitted dimension falls back to the default. */
export interface ModelLimits {
  rpm?: number;
  itpm?: number;
  otpm?: number;
}

/** Model id (or "*" for every other model) → its limits. */
export type LimitTable = Record<string, ModelLimits>;

/** High enough that no benchmark on one machine reaches them, so they bind only when set. */
export const DEFAULT_LIMITS: Required<ModelLimits> = {
  rpm: 1_000_000,
  itpm: 1_000_000_000,
  otpm: 1_000_000_000,
};

const MINUTE = 60_000;

class Bucket {
  level: number;
  at: number;
  constructor(
    readonly capacity: number,
    now: number,
  ) {
    this.level = capacity;
    this.at = now;
  }
  refill(now: number): void {
    this.level = Math.min(this.capacity, this.level + ((now - this.at) * this.capacity) / MINUTE);
    this.at = now;
  }
  /** ms until the bucket holds `amount` (0 when it already does). */
  waitFor(amount: number): number {
    const missing = Math.min(amount, this.capacity) - this.level;
    return missing <= 0 ? 0 : Math.ceil((missing * MINUTE) / this.capacity);
  }
  resetAt(now: number): string {
    return new Date(now + this.waitFor(this.capacity)).toISOString().replace(/\.\d{3}Z$/, "Z");
  }
}

interface ModelBuckets {
  requests: Bucket;
  input: Bucket;
  output: Bucket;
}

export type Admission =
  | { ok: true; headers: OutgoingHttpHeaders }
  | { ok: false; headers: OutgoingHttpHeaders; message: string };

export class RateLimits {
  #table: LimitTable;
  #buckets = new Map<string, ModelBuckets>();

  constructor(
    table: LimitTable = {},
    private readonly now: () => number = Date.now,
  ) {
    this.#table = { ...table };
  }

  /** Replaces the table and refills every bucket. */
  set(table: LimitTable): void {
    this.#table = { ...table };
    this.#buckets.clear();
  }

  table(): LimitTable {
    return { ...this.#table };
  }

  /** Refills every bucket (on reset). */
  clear(): void {
    this.#buckets.clear();
  }

  limitsFor(model: string): Required<ModelLimits> {
    return { ...DEFAULT_LIMITS, ...(this.#table["*"] ?? {}), ...(this.#table[model] ?? {}) };
  }

  #bucketsFor(model: string, now: number): ModelBuckets {
    let b = this.#buckets.get(model);
    if (!b) {
      const l = this.limitsFor(model);
      b = {
        requests: new Bucket(l.rpm, now),
        input: new Bucket(l.itpm, now),
        output: new Bucket(l.otpm, now),
      };
      // One entry per model seen; models are few, but a client inventing names must not grow it.
      if (this.#buckets.size >= 1000) this.#buckets.clear();
      this.#buckets.set(model, b);
    }
    b.requests.refill(now);
    b.input.refill(now);
    b.output.refill(now);
    return b;
  }

  /** Admits (and charges) a request of `inputTokens` billable input tokens, or says why not. */
  admit(model: string, inputTokens: number): Admission {
    const now = this.now();
    const b = this.#bucketsFor(model, now);
    const waits: Array<[ms: number, what: string]> = [
      [b.requests.waitFor(1), `${b.requests.capacity} requests per minute`],
      [b.input.waitFor(inputTokens), `${b.input.capacity} input tokens per minute`],
      [b.output.waitFor(1), `${b.output.capacity} output tokens per minute`],
    ];
    const [waitMs, what] = waits.reduce((a, w) => (w[0] > a[0] ? w : a));
    if (waitMs > 0) {
      return {
        ok: false,
        headers: {
          ...this.#headers(b, now),
          "retry-after": String(Math.max(1, Math.ceil(waitMs / 1000))),
          "x-should-retry": "true",
        },
        message:
          `This request would exceed your organization's rate limit of ${what} (model ${model}). ` +
          "For details, refer to: https://docs.claude.com/en/api/rate-limits. " +
          "You can see the response headers for current usage. Please reduce the prompt length or " +
          "the maximum tokens requested, or try again later.",
      };
    }
    b.requests.level -= 1;
    b.input.level -= inputTokens;
    return { ok: true, headers: this.#headers(b, now) };
  }

  /** Charges the output tokens of an answer (may take the bucket below zero: later calls wait). */
  settle(model: string, outputTokens: number): void {
    const b = this.#buckets.get(model);
    if (b) b.output.level -= outputTokens;
  }

  #headers(b: ModelBuckets, now: number): OutgoingHttpHeaders {
    const floor = (n: number) => String(Math.max(0, Math.floor(n)));
    const tokens = b.input.level + b.output.level < 0 ? 0 : b.input.level + b.output.level;
    const tokensReset = b.input.waitFor(b.input.capacity) > b.output.waitFor(b.output.capacity);
    return {
      "anthropic-ratelimit-requests-limit": String(b.requests.capacity),
      "anthropic-ratelimit-requests-remaining": floor(b.requests.level),
      "anthropic-ratelimit-requests-reset": b.requests.resetAt(now),
      "anthropic-ratelimit-input-tokens-limit": String(b.input.capacity),
      "anthropic-ratelimit-input-tokens-remaining": floor(b.input.level),
      "anthropic-ratelimit-input-tokens-reset": b.input.resetAt(now),
      "anthropic-ratelimit-output-tokens-limit": String(b.output.capacity),
      "anthropic-ratelimit-output-tokens-remaining": floor(b.output.level),
      "anthropic-ratelimit-output-tokens-reset": b.output.resetAt(now),
      "anthropic-ratelimit-tokens-limit": String(b.input.capacity + b.output.capacity),
      "anthropic-ratelimit-tokens-remaining": floor(tokens),
      "anthropic-ratelimit-tokens-reset": (tokensReset ? b.input : b.output).resetAt(now),
    };
  }
}

/** Checks a limit table from options or `POST /_sim/limits`; throws RangeError naming the field. */
export function parseLimitTable(value: unknown): LimitTable {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RangeError('limits must be an object: {"<model>|*": {"rpm","itpm","otpm"}}');
  }
  const out: LimitTable = {};
  for (const [model, raw] of Object.entries(value as Record<string, unknown>)) {
    if (typeof raw !== "object" || raw === null)
      throw new RangeError(`${model}: must be an object`);
    const limits: ModelLimits = {};
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      if (k !== "rpm" && k !== "itpm" && k !== "otpm")
        throw new RangeError(`${model}.${k}: unknown limit (rpm, itpm, otpm)`);
      if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
        throw new RangeError(`${model}.${k}: must be an integer >= 1`);
      limits[k] = v;
    }
    out[model] = limits;
  }
  return out;
}
