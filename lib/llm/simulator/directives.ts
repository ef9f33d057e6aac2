/**
 * Simulator directives: per-request behaviour chosen by a marker in the prompt text,
 * `[[sim:status=429,retry-after=1]]`, or queued through the control endpoint as the same
 * `key=value,…` string. Several markers in one request merge, later ones winning.
 */

/** What one request should do differently from a plain, successful answer. */
export interface SimDirectives {
  /** Answer with this HTTP error status (and an Anthropic-shaped error body). */
  status?: number;
  /** The error `type` in the body or in an SSE `error` event (default: derived from status). */
  errorType?: string;
  /** `retry-after` header, in seconds. */
  retryAfterSeconds?: number;
  /** `retry-after-ms` header. */
  retryAfterMs?: number;
  /** `x-should-retry` header. */
  shouldRetry?: boolean;
  /** Never answer; wait until the client goes away. */
  hang?: boolean;
  /** Destroy the socket at once, before any response (a connection error for the client). */
  drop?: boolean;
  /** Destroy the socket after this many content deltas (0 = right after content_block_start). */
  disconnectAfter?: number;
  /** Send an SSE `error` event after this many content deltas, then end the response. */
  errorAfter?: number;
  /** Stop sending (but keep the connection open) after this many content deltas. */
  stallAfter?: number;
  /** Send a body that is not valid JSON (the first SSE event, or the JSON response). */
  invalidJson?: boolean;
  /** Delay before the response headers, in ms. */
  latencyMs?: number;
  /** Delay between message_start and the first content delta, in ms. */
  ttftMs?: number;
  /** Output pacing; 0 writes the whole answer at once. */
  tokensPerSecond?: number;
  /** The natural answer length in tokens (still capped by max_tokens). */
  tokens?: number;
  /** Apply the fault only to the first K identical requests; later ones succeed. */
  failFirst?: number;
  /**
   * Answer with a `tool_use` block for this tool (one of the request's `tools`; empty = the first
   * one), unless the conversation's last message already carries a tool_result.
   */
  tool?: string;
  /** The value of the tool input's first required string property (e.g. Bash's `command`). */
  toolArg?: string;
}

/** Directive names as written in markers, and how to read each value. */
type Reader = (value: string | undefined, key: string) => Partial<SimDirectives>;

const int =
  (field: keyof SimDirectives, min: number, max = Number.MAX_SAFE_INTEGER): Reader =>
  (value, key) => {
    const n = Number(value);
    if (value === undefined || value === "" || !Number.isInteger(n) || n < min || n > max) {
      throw new DirectiveError(`sim directive "${key}" needs an integer between ${min} and ${max}`);
    }
    return { [field]: n };
  };

const num =
  (field: keyof SimDirectives): Reader =>
  (value, key) => {
    const n = Number(value);
    if (value === undefined || value === "" || !Number.isFinite(n) || n < 0) {
      throw new DirectiveError(`sim directive "${key}" needs a number >= 0`);
    }
    return { [field]: n };
  };

const flag =
  (field: keyof SimDirectives): Reader =>
  (value, key) => {
    if (value !== undefined && value !== "true" && value !== "false") {
      throw new DirectiveError(`sim directive "${key}" takes no value (or true/false)`);
    }
    return { [field]: value !== "false" };
  };

const READERS: Record<string, Reader> = {
  status: int("status", 400, 599),
  type: (value, key) => {
    if (!value || !/^[a-z_]+$/.test(value)) {
      throw new DirectiveError(`sim directive "${key}" needs an error type like overloaded_error`);
    }
    return { errorType: value };
  },
  "retry-after": num("retryAfterSeconds"),
  "retry-after-ms": num("retryAfterMs"),
  "should-retry": (value, key) => {
    if (value !== "true" && value !== "false") {
      throw new DirectiveError(`sim directive "${key}" needs true or false`);
    }
    return { shouldRetry: value === "true" };
  },
  hang: flag("hang"),
  drop: flag("drop"),
  "disconnect-after": int("disconnectAfter", 0),
  "error-after": int("errorAfter", 0),
  "stall-after": int("stallAfter", 0),
  "invalid-json": flag("invalidJson"),
  latency: num("latencyMs"),
  ttft: num("ttftMs"),
  tps: num("tokensPerSecond"),
  tokens: int("tokens", 1),
  "fail-first": int("failFirst", 1),
  tool: (value, key) => {
    if (value !== undefined && !/^[A-Za-z0-9_-]*$/.test(value)) {
      throw new DirectiveError(
        `sim directive "${key}" needs a tool name (letters, digits, _ or -)`,
      );
    }
    return { tool: value ?? "" };
  },
  "tool-arg": (value, key) => {
    if (value === undefined) throw new DirectiveError(`sim directive "${key}" needs a value`);
    return { toolArg: value };
  },
};

/** A malformed directive: the simulator answers 400 invalid_request_error, naming it. */
export class DirectiveError extends Error {
  override name = "DirectiveError";
}

const MARKER_OPEN = "[[sim:";
const MARKER_CLOSE = "]]";

/** Parses the inside of a marker (or a control-endpoint fault): `status=429,retry-after=1`. */
export function parseDirectiveList(body: string): SimDirectives {
  const out: SimDirectives = {};
  for (const raw of body.split(",")) {
    const item = raw.trim();
    if (!item) continue;
    const eq = item.indexOf("=");
    const key = (eq === -1 ? item : item.slice(0, eq)).trim().toLowerCase();
    const value = eq === -1 ? undefined : item.slice(eq + 1).trim();
    const read = READERS[key];
    if (!read) throw new DirectiveError(`unknown sim directive "${key}"`);
    Object.assign(out, read(value, key));
  }
  return out;
}

/**
 * Finds every `[[sim:…]]` marker in `text` and merges them. Returns undefined when there is none,
 * which is the hot path: one indexOf per text.
 */
export function parseMarkers(text: string): SimDirectives | undefined {
  let at = text.indexOf(MARKER_OPEN);
  if (at === -1) return undefined;
  let out: SimDirectives | undefined;
  while (at !== -1) {
    const end = text.indexOf(MARKER_CLOSE, at + MARKER_OPEN.length);
    if (end === -1) throw new DirectiveError("unterminated [[sim:…]] marker");
    out = { ...out, ...parseDirectiveList(text.slice(at + MARKER_OPEN.length, end)) };
    at = text.indexOf(MARKER_OPEN, end + MARKER_CLOSE.length);
  }
  return out;
}

/** True when the directives ask for something other than a normal answer. */
export function hasFault(d: SimDirectives): boolean {
  return (
    d.status !== undefined ||
    d.hang === true ||
    d.drop === true ||
    d.disconnectAfter !== undefined ||
    d.errorAfter !== undefined ||
    d.stallAfter !== undefined ||
    d.invalidJson === true
  );
}

/** The same directives with every fault removed (timing and length are kept). */
export function withoutFaults(d: SimDirectives): SimDirectives {
  const {
    status: _status,
    hang: _hang,
    drop: _drop,
    disconnectAfter: _disconnect,
    errorAfter: _error,
    stallAfter: _stall,
    invalidJson: _invalid,
    ...rest
  } = d;
  return rest;
}
