import { frameData, frameEventName } from "./sse-frames";
import { type BodyFormat, locateMessageId, type StoredResponse } from "./stored-response";

/**
 * Tees a successful upstream body into what the cache stores: the SSE frames or JSON text as
 * received. It looks at frame names only; the two frames that carry usage are parsed once, when
 * the answer is complete, never per delta.
 */
export class AnswerRecorder {
  readonly #format: BodyFormat;
  readonly #parts: string[] = [];
  #start: string | undefined;
  #lastDelta: string | undefined;
  #stopped = false;
  #failed = false;

  constructor(format: BodyFormat) {
    this.#format = format;
  }

  /** One SSE frame, or one piece of a JSON body. */
  push(text: string): void {
    this.#parts.push(text);
    if (this.#format === "json") return;
    const name = frameEventName(text);
    if (name === "message_start" && this.#start === undefined) this.#start = text;
    else if (name === "message_delta") this.#lastDelta = text;
    else if (name === "message_stop") this.#stopped = true;
    else if (name === "error") this.#failed = true;
  }

  /**
   * The complete answer to store, or null: a stream without message_start/message_stop, with an
   * error event, or a JSON body that is not a message, is served but never stored.
   */
  finish(): StoredResponse | null {
    const body = this.#parts.join("");
    try {
      if (this.#format === "json") return this.#json(body);
      if (this.#failed || !this.#stopped || this.#start === undefined) return null;
      const start = JSON.parse(frameData(this.#start)) as StartFrame;
      const delta =
        this.#lastDelta === undefined
          ? undefined
          : (JSON.parse(frameData(this.#lastDelta)) as DeltaFrame);
      const id = locateMessageId(body);
      if (id === null) return null;
      return {
        format: "sse",
        body,
        idStart: id.start,
        idLength: id.length,
        inputTokens: delta?.usage?.input_tokens ?? start.message?.usage?.input_tokens ?? 0,
        outputTokens: delta?.usage?.output_tokens ?? start.message?.usage?.output_tokens ?? 0,
      };
    } catch {
      return null;
    }
  }

  #json(body: string): StoredResponse | null {
    const parsed = JSON.parse(body) as JsonAnswer | null;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
    // A message carries an id to refresh per response; a token count has none.
    let id = { start: 0, length: 0 };
    if (parsed.type === "message") {
      const at = locateMessageId(body);
      if (at === null || body.slice(at.start, at.start + at.length) !== parsed.id) return null;
      id = at;
    }
    return {
      format: "json",
      body,
      idStart: id.start,
      idLength: id.length,
      inputTokens: parsed.usage?.input_tokens ?? parsed.input_tokens ?? 0,
      outputTokens: parsed.usage?.output_tokens ?? 0,
    };
  }
}

interface Usage {
  input_tokens?: number | null;
  output_tokens?: number | null;
}
interface StartFrame {
  message?: { usage?: Usage };
}
interface DeltaFrame {
  usage?: Usage;
}
interface JsonAnswer {
  type?: unknown;
  id?: unknown;
  usage?: Usage;
  /** count_tokens answers carry the count at the top level. */
  input_tokens?: number;
}
