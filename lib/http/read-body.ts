import "server-only";
import { AppError } from "@/lib/errors";

/** Request bodies above this are refused (a task is at most 100,000 characters). */
export const MAX_BODY_BYTES = 1024 * 1024;

const tooLarge = (maxBytes: number) =>
  new AppError("payload_too_large", `request body is over ${maxBytes} bytes`, {
    details: { maxBytes },
  });

/**
 * Reads a request body into memory, never holding more than `maxBytes` of it: a declared
 * Content-Length over the limit is refused before a byte is read, and a chunked (or lying) body
 * is cancelled as soon as the bytes received pass the limit. `request.text()` would buffer the
 * whole body first, so an anonymous 200 MB upload would cost 200 MB before the 413.
 */
export async function readBodyBytes(
  request: Request,
  maxBytes: number = MAX_BODY_BYTES,
): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBytes) {
    // Nothing is read; Node's HTTP server discards the unread rest once the 413 is sent.
    throw tooLarge(maxBytes);
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      // Past the limit, reading simply stops: the body's stream then holds at most its small
      // high-water mark and back-pressure stalls the sender. (Not cancel(): Node 20's
      // Readable.toWeb adapter can still push a chunk after cancel and throw uncaught.)
      if (received > maxBytes) throw tooLarge(maxBytes);
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return concat(chunks, received);
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** The body as UTF-8 text, bounded like readBodyBytes; bytes that are not UTF-8 are a 400. */
export async function readBodyText(
  request: Request,
  maxBytes: number = MAX_BODY_BYTES,
): Promise<string> {
  const bytes = await readBodyBytes(request, maxBytes);
  try {
    return decoder.decode(bytes);
  } catch {
    throw new AppError("invalid_json", "request body is not valid UTF-8");
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
