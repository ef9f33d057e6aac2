/**
 * Splits an SSE byte stream into whole frames (each ending with its blank line) without
 * re-encoding anything: concatenating the frames gives back the text as received.
 */
export class SseFrameSplitter {
  readonly #decoder = new TextDecoder("utf-8", { fatal: false });
  #rest = "";

  /** The frames completed by this chunk, each with its terminating blank line. */
  push(chunk: Uint8Array | string): string[] {
    const text = typeof chunk === "string" ? chunk : this.#decoder.decode(chunk, { stream: true });
    if (text.length === 0) return [];
    const buffer = this.#rest + text;
    const frames: string[] = [];
    let start = 0;
    for (;;) {
      const end = frameEnd(buffer, start);
      if (end < 0) break;
      frames.push(buffer.slice(start, end));
      start = end;
    }
    this.#rest = buffer.slice(start);
    return frames;
  }

  /** What is left after the stream ended (a truncated frame), or "" when it ended cleanly. */
  flush(): string {
    const rest = this.#rest + this.#decoder.decode();
    this.#rest = "";
    return rest;
  }
}

/** The index just past the blank line that ends the frame starting at `from`, or -1. */
function frameEnd(text: string, from: number): number {
  const lf = text.indexOf("\n\n", from);
  const crlf = text.indexOf("\r\n\r\n", from);
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf < 0 ? -1 : lf + 2;
}

/** A frame's `event:` name (null when it has none). */
export function frameEventName(frame: string): string | null {
  const match = /^event:[ ]?(.*?)\r?$/m.exec(frame);
  return match ? match[1]! : null;
}

/** A frame's `data:` lines joined with newlines, as the SSE spec reads them. */
export function frameData(frame: string): string {
  const lines: string[] = [];
  for (const line of frame.split(/\r?\n/)) {
    if (line.startsWith("data:")) lines.push(line.slice(line.startsWith("data: ") ? 6 : 5));
  }
  return lines.join("\n");
}
