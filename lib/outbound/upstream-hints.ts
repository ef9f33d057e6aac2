import { parseRetryAfterMs } from "@/lib/llm/retry-after";

const DIMENSIONS = ["requests", "input-tokens", "output-tokens", "tokens"] as const;
/** A 429 with no retry hint still holds the model this long (the API always sends one). */
const DEFAULT_429_HOLD_MS = 1000;

/**
 * How long every instance should hold calls for a model, from one upstream answer: a 429's
 * `retry-after`, or, when an `anthropic-ratelimit-*-remaining` budget is spent, until its
 * `-reset`. 0: no reason to hold.
 */
export function holdFromAnswer(status: number, headers: Headers, now = Date.now()): number {
  if (status === 429) return parseRetryAfterMs(headers, now) ?? DEFAULT_429_HOLD_MS;
  let hold = 0;
  for (const dimension of DIMENSIONS) {
    const remaining = headers.get(`anthropic-ratelimit-${dimension}-remaining`);
    if (remaining === null || Number(remaining) > 0) continue;
    const reset = Date.parse(headers.get(`anthropic-ratelimit-${dimension}-reset`) ?? "");
    if (Number.isFinite(reset)) hold = Math.max(hold, reset - now);
  }
  return Math.max(0, hold);
}

const INPUT = /"input_tokens":\s*(\d+)/;
const CACHE_WRITE = /"cache_creation_input_tokens":\s*(\d+)/;
const OUTPUT = /"output_tokens":\s*(\d+)/g;

/**
 * The usage an answer reports, read from its bytes as they pass (SSE frames or a JSON body):
 * input as the limits count it (uncached input plus cache writes) from the first usage seen, and
 * the last output count (message_delta's is the final one).
 */
export class UsageScan {
  #decoder = new TextDecoder();
  #tail = "";
  /** The usage object from its input count on, until its output count closes it. */
  #usage: string | null = null;
  inputTokens: number | null = null;
  outputTokens = 0;

  push(chunk: Uint8Array): void {
    const fresh = this.#decoder.decode(chunk, { stream: true });
    // Keep a little of the previous chunk so a key or number split across chunks is still read.
    const text = this.#tail + fresh;
    if (this.inputTokens === null) this.#readInput(text, fresh);
    for (const match of text.matchAll(OUTPUT)) this.outputTokens = Number(match[1]);
    this.#tail = text.slice(-64);
  }

  #readInput(text: string, fresh: string): void {
    if (this.#usage === null) {
      const at = text.search(INPUT);
      if (at === -1) return;
      this.#usage = text.slice(at);
    } else {
      this.#usage += fresh;
    }
    // The cache-write count sits between input and output in the usage object.
    if (!this.#usage.includes('"output_tokens"') && this.#usage.length < 4096) return;
    const input = Number(INPUT.exec(this.#usage)?.[1] ?? 0);
    this.inputTokens = input + Number(CACHE_WRITE.exec(this.#usage)?.[1] ?? 0);
    this.#usage = null;
  }
}

/** A quick input estimate before the call: about four bytes of JSON per token. */
export function estimateInputTokens(body: string | Uint8Array): number {
  const bytes = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  return Math.ceil(bytes / 4);
}
