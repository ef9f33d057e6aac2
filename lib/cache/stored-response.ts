import { randomChars } from "@/lib/random-pool";
import { AppError } from "@/lib/errors";

/** How the upstream answered: a Server-Sent Events stream, or one JSON body. */
export type BodyFormat = "sse" | "json";

/**
 * One stored answer: the upstream's body exactly as received (every SSE frame, pings included,
 * or the JSON text), plus where the message id sits in it so a replay can give each response its
 * own id without parsing anything.
 */
export interface StoredResponse {
  format: BodyFormat;
  body: string;
  /** UTF-16 offset of the message id's characters inside `body`. */
  idStart: number;
  idLength: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * The stored format's tag. Rows written by an older format (v1 held an assembled Message) do not
 * start with it and are read as misses, then overwritten by the next answer.
 */
const MAGIC = "ens-cache/2";

/** `ens-cache/2 <format> <idStart> <idLength> <in> <out>\n<body>`: a hit splits it, never parses it. */
export function encodeStored(stored: StoredResponse): string {
  const { format, idStart, idLength, inputTokens, outputTokens } = stored;
  return `${MAGIC} ${format} ${idStart} ${idLength} ${inputTokens} ${outputTokens}\n${stored.body}`;
}

/** Reverses encodeStored; throws AppError("internal") on anything else (an old row, tampering). */
export function decodeStored(text: string): StoredResponse {
  const newline = text.indexOf("\n");
  const head = newline < 0 ? [] : text.slice(0, newline).split(" ");
  const [magic, format, ...numbers] = head;
  const [idStart, idLength, inputTokens, outputTokens] = numbers.map(Number);
  const body = text.slice(newline + 1);
  if (
    magic !== MAGIC ||
    (format !== "sse" && format !== "json") ||
    numbers.length !== 4 ||
    [idStart, idLength, inputTokens, outputTokens].some((n) => !Number.isSafeInteger(n)) ||
    idStart! + idLength! > body.length
  ) {
    throw new AppError("internal", "A cached response is not in the current stored format");
  }
  return {
    format,
    body,
    idStart: idStart!,
    idLength: idLength!,
    inputTokens: inputTokens!,
    outputTokens: outputTokens!,
  };
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A new id shaped like `like`: same prefix up to its last "_", same length, random base62 after. */
export function freshMessageId(like: string): string {
  const prefixEnd = like.lastIndexOf("_") + 1;
  const length = Math.max(like.length - prefixEnd, 8);
  return like.slice(0, prefixEnd) + randomChars(length, ALPHABET);
}

/** The stored body with a fresh message id in place of the source's, and the source id. */
export function withFreshId(stored: StoredResponse): { body: string; sourceId: string } {
  const { body, idStart, idLength } = stored;
  const sourceId = body.slice(idStart, idStart + idLength);
  if (idLength === 0) return { body, sourceId };
  const fresh = freshMessageId(sourceId);
  return { body: body.slice(0, idStart) + fresh + body.slice(idStart + idLength), sourceId };
}

/**
 * Where the message id's characters are in an answer: the value of the first `"id"` member,
 * which in an SSE stream is message_start's and in a JSON answer the message's own (the API puts
 * it before the content). Null when there is none.
 */
export function locateMessageId(text: string): { start: number; length: number } | null {
  const match = /"id"\s*:\s*"([^"\\]*)"/.exec(text);
  if (match === null) return null;
  const start = match.index + match[0].length - 1 - match[1]!.length;
  return { start, length: match[1]!.length };
}

/** `text` with the first message id replaced by a fresh one, or null when it has none. */
export function replaceFirstId(text: string): string | null {
  const at = locateMessageId(text);
  if (at === null) return null;
  const end = at.start + at.length;
  return text.slice(0, at.start) + freshMessageId(text.slice(at.start, end)) + text.slice(end);
}
