import { createHash } from "node:crypto";

/**
 * Deterministic answers: the same request always gets the same text, a different one (almost
 * surely) a different text. A SHA-256 of the answer-shaping fields seeds a small PRNG that picks
 * realistic words. No model, no I/O: cheap enough for thousands of requests per second.
 */

/** Characters per token, the simulator's one tokenizer rule (input and output alike). */
export const CHARS_PER_TOKEN = 4;

/** Approximate token count of a text: ceil(chars / 4). */
export function countTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** The request fields that shape an answer; max_tokens only truncates, so it is not among them. */
export interface AnswerInput {
  model: string;
  system?: unknown;
  messages: unknown;
  temperature?: number | null;
  top_p?: number | null;
  top_k?: number | null;
  stop_sequences?: readonly string[] | null;
  tools?: unknown;
}

/** Canonical JSON (sorted keys) so that key order in the client's body does not change the hash. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(",")}}`;
}

/** The request's identity for answers and for fail-first counting (hex SHA-256). */
export function requestHash(input: AnswerInput): string {
  return createHash("sha256")
    .update(
      canonical([
        input.model,
        input.system ?? null,
        input.messages,
        input.temperature ?? null,
        input.top_p ?? null,
        input.top_k ?? null,
        input.stop_sequences ?? null,
        input.tools ?? null,
      ]),
    )
    .digest("hex");
}

/** sfc32: tiny, fast, good enough for picking words; seeded from 128 bits of the hash. */
function prng(hash: string): () => number {
  let a = parseInt(hash.slice(0, 8), 16) | 0;
  let b = parseInt(hash.slice(8, 16), 16) | 0;
  let c = parseInt(hash.slice(16, 24), 16) | 0;
  let d = parseInt(hash.slice(24, 32), 16) | 0;
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

// prettier-ignore
const WORDS = [
  "the", "a", "of", "to", "and", "in", "is", "that", "for", "it", "as", "with", "on", "this", "be",
  "by", "are", "we", "can", "from", "or", "an", "which", "not", "more", "each", "when", "their",
  "system", "model", "request", "answer", "agent", "task", "result", "data", "cache", "stream",
  "token", "latency", "budget", "plan", "step", "team", "process", "signal", "retry", "policy",
  "simple", "careful", "quick", "stable", "clear", "useful", "robust", "small", "large", "second",
  "first", "next", "final", "better", "likely", "often", "usually", "together", "instead", "again",
  "consider", "measure", "compare", "explain", "review", "choose", "keep", "build", "check", "run",
  "improve", "reduce", "return", "describe", "collect", "summarize", "propose", "decide", "verify",
  "approach", "option", "trade-off", "detail", "example", "question", "context", "summary", "idea",
  "service", "response", "failure", "recovery", "deadline", "limit", "value", "version", "change",
  "because", "although", "however", "therefore", "while", "before", "after", "within", "between",
  "should", "would", "could", "might", "will", "must", "also", "only", "still", "already", "then",
];

/** A generated answer, already cut to max_tokens / a stop sequence. */
export interface Answer {
  text: string;
  outputTokens: number;
  stopReason: "end_turn" | "max_tokens" | "stop_sequence";
  stopSequence: string | null;
}

export interface AnswerOptions {
  /** The request's max_tokens. */
  maxTokens: number;
  /** The natural answer length in tokens; by default drawn from `lengthRange` by the hash. */
  tokens?: number;
  /** [min, max] natural length in tokens when `tokens` is not given. */
  lengthRange: readonly [number, number];
  stopSequences?: readonly string[] | null;
}

/**
 * The answer for a request hash. Texts of the same hash share a prefix whatever max_tokens is,
 * so a truncated answer is the start of the full one (as with a real model at temperature 0).
 */
export function generateAnswer(hash: string, options: AnswerOptions): Answer {
  const random = prng(hash);
  const [min, max] = options.lengthRange;
  // Always drawn, so the words that follow do not depend on whether `tokens` was given.
  const drawn = min + Math.floor(random() * (max - min + 1));
  const natural = options.tokens ?? drawn;
  const truncated = natural > options.maxTokens;
  const targetChars = options.maxTokens * CHARS_PER_TOKEN;
  // Natural length is reached when ceil(len/4) >= natural, i.e. len > (natural-1)*4.
  const naturalChars = (natural - 1) * CHARS_PER_TOKEN + 1;

  let text = "";
  let sentenceLeft = 0;
  const goal = truncated ? targetChars : naturalChars;
  while (text.length < goal) {
    let word = WORDS[Math.floor(random() * WORDS.length)] ?? "the";
    if (sentenceLeft === 0) {
      // A new sentence; now and then a new paragraph.
      if (text) text += random() < 0.15 ? "\n\n" : " ";
      word = word.charAt(0).toUpperCase() + word.slice(1);
      sentenceLeft = 5 + Math.floor(random() * 12);
    } else {
      text += random() < 0.08 ? ", " : " ";
    }
    text += word;
    sentenceLeft--;
    if (sentenceLeft === 0) text += ".";
  }
  if (!truncated && !text.endsWith(".")) text += ".";
  // The last word (or the period) can overshoot the natural length; max_tokens is a hard cap.
  const capped = truncated || text.length > options.maxTokens * CHARS_PER_TOKEN;
  if (capped) text = text.slice(0, options.maxTokens * CHARS_PER_TOKEN);

  let stopReason: Answer["stopReason"] = capped ? "max_tokens" : "end_turn";
  let stopSequence: string | null = null;
  if (options.stopSequences?.length) {
    let cut = -1;
    for (const seq of options.stopSequences) {
      if (!seq) continue;
      const at = text.indexOf(seq);
      if (at !== -1 && (cut === -1 || at < cut)) {
        cut = at;
        stopSequence = seq;
      }
    }
    if (cut !== -1) {
      text = text.slice(0, cut);
      stopReason = "stop_sequence";
    }
  }
  return { text, outputTokens: countTokens(text), stopReason, stopSequence };
}

/**
 * Splits a text into delta chunks of about `tokensPerDelta` tokens, cut after a space so words
 * stay whole (as real deltas mostly do). Concatenating the chunks gives the text back.
 */
export function splitDeltas(text: string, tokensPerDelta: number): string[] {
  const size = Math.max(1, tokensPerDelta) * CHARS_PER_TOKEN;
  const chunks: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = start + size;
    if (end >= text.length) {
      end = text.length;
    } else {
      // Cut after the next space or newline, unless that is far away (then mid-word, as BPE does).
      let cutAt = end;
      while (cutAt < text.length && cutAt - end <= size) {
        const c = text.charCodeAt(cutAt);
        if (c === 32 || c === 10) break;
        cutAt++;
      }
      end = cutAt - end <= size ? Math.min(cutAt + 1, text.length) : end;
    }
    chunks.push(text.slice(start, end));
    start = end;
  }
  return chunks;
}

/** Input tokens: the text of system, messages and tools at 4 chars/token, plus 4 per message. */
export function countInputTokens(body: {
  system?: unknown;
  messages: readonly unknown[];
  tools?: unknown;
}): number {
  let chars = textLength(body.system);
  for (const message of body.messages) {
    chars += textLength((message as { content?: unknown }).content);
  }
  if (body.tools !== undefined) chars += JSON.stringify(body.tools).length;
  return Math.ceil(chars / CHARS_PER_TOKEN) + 4 * body.messages.length;
}

function textLength(content: unknown): number {
  if (content === undefined || content === null) return 0;
  if (typeof content === "string") return content.length;
  if (Array.isArray(content)) {
    let n = 0;
    for (const block of content) {
      const text = (block as { text?: unknown }).text;
      n += typeof text === "string" ? text.length : JSON.stringify(block).length;
    }
    return n;
  }
  return JSON.stringify(content).length;
}
