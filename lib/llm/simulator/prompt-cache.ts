/**
 * Prompt caching as the API accounts for it: a `cache_control` breakpoint (on a tool, a system
 * block, a message block, or top-level for "cache the whole prompt") marks a prefix, in the order
 * tools → system → messages. The first request with a prefix writes it
 * (`cache_creation_input_tokens`), later ones within its TTL read it (`cache_read_input_tokens`);
 * the rest of the prompt is `input_tokens`. The three always add up to what count_tokens says.
 * No minimum length here (the API's is ~1,024 tokens), so that small test prompts show the fields.
 */
import { createHash } from "node:crypto";
import { CHARS_PER_TOKEN } from "./answer";
import type { SimRequest } from "./request";

export interface PromptUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

interface Breakpoint {
  /** Hash of everything up to and including the marked block. */
  hash: string;
  tokens: number;
  ttlMs: number;
}

const FIVE_MINUTES = 5 * 60_000;
const ONE_HOUR = 60 * 60_000;
/** Remembered prefixes; past this the oldest are forgotten (a later read becomes a write again). */
const MAX_PREFIXES = 10_000;

type Marked = { cache_control?: { ttl?: unknown } | null } | null;
const ttlOf = (block: unknown): number | undefined => {
  const control = (block as Marked)?.cache_control;
  if (typeof control !== "object" || control === null) return undefined;
  return control.ttl === "1h" ? ONE_HOUR : FIVE_MINUTES;
};

function textChars(block: unknown): number {
  if (typeof block === "string") return block.length;
  const text = (block as { text?: unknown } | null)?.text;
  return typeof text === "string" ? text.length : JSON.stringify(block).length;
}

/**
 * Walks the prompt in cache order and returns its breakpoints with their prefix sizes, counted
 * with the same rule as `countInputTokens` (chars / 4, plus 4 per message begun).
 */
export function breakpoints(request: SimRequest, totalTokens: number): Breakpoint[] {
  const found: Breakpoint[] = [];
  const hash = createHash("sha256").update(request.model);
  let chars = 0;
  let messages = 0;
  const mark = (block: unknown, ttl = ttlOf(block)) => {
    if (ttl === undefined) return;
    const tokens = Math.ceil(chars / CHARS_PER_TOKEN) + 4 * messages;
    found.push({
      hash: hash.copy().digest("hex"),
      tokens: Math.min(tokens, totalTokens),
      ttlMs: ttl,
    });
  };
  const visit = (block: unknown) => {
    hash.update(JSON.stringify(block) ?? "null");
    chars += textChars(block);
    mark(block);
  };
  if (Array.isArray(request.tools)) {
    for (const tool of request.tools) {
      hash.update(JSON.stringify(tool));
      chars += JSON.stringify(tool).length;
      mark(tool);
    }
  }
  if (Array.isArray(request.system)) request.system.forEach(visit);
  else if (typeof request.system === "string") visit(request.system);
  for (const message of request.messages) {
    messages++;
    hash.update(`\u0000${message.role}\u0000`);
    if (Array.isArray(message.content)) message.content.forEach(visit);
    else visit(message.content);
  }
  // Top-level cache_control: the breakpoint moves with the conversation's last block.
  const auto = ttlOf(request);
  if (auto !== undefined) {
    found.push({ hash: hash.digest("hex"), tokens: totalTokens, ttlMs: auto });
  }
  return found;
}

/** The simulator's memory of written prefixes, with their expiry. */
export class PromptCache {
  #expires = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The usage split for a request of `totalTokens` input tokens, and `commit` to remember its
   * prefixes (called only once the request is admitted, so a refused call writes nothing).
   */
  usage(request: SimRequest, totalTokens: number): { usage: PromptUsage; commit(): void } {
    const points = breakpoints(request, totalTokens);
    const now = this.now();
    let read = 0;
    for (const p of points) {
      if ((this.#expires.get(p.hash) ?? 0) > now) read = Math.max(read, p.tokens);
    }
    const last = points.reduce((max, p) => Math.max(max, p.tokens), 0);
    const written = Math.max(0, last - read);
    const oneHour = points.some((p) => p.tokens === last && p.ttlMs === ONE_HOUR);
    return {
      usage: {
        input_tokens: totalTokens - read - written,
        cache_creation_input_tokens: written,
        cache_read_input_tokens: read,
        cache_creation: {
          ephemeral_5m_input_tokens: oneHour ? 0 : written,
          ephemeral_1h_input_tokens: oneHour ? written : 0,
        },
      },
      commit: () => {
        if (this.#expires.size + points.length > MAX_PREFIXES) this.#expires.clear();
        // A read refreshes the TTL, as the API's does.
        for (const p of points) this.#expires.set(p.hash, now + p.ttlMs);
      },
    };
  }

  clear(): void {
    this.#expires.clear();
  }
}
