import type { OutgoingHttpHeaders } from "node:http";
import { countInputTokens, generateAnswer, splitDeltas, type Answer } from "./answer";
import type { SimDirectives } from "./directives";
import type { Exchange } from "./exchange";
import type { ResolvedSimulatorOptions } from "./options";
import type { SimRequest } from "./request";
import type { SimulatorStats } from "./stats";
import {
  CONTENT_BLOCK_START,
  CONTENT_BLOCK_STOP,
  MESSAGE_STOP,
  PING,
  defaultMessage,
  errorEvent,
  errorTypeFor,
  messageDelta,
  messageStart,
  statusForType,
  textDelta,
} from "./wire";

/** Below this, paced streams batch deltas into one write instead of arming a timer per delta. */
const MIN_TICK_MS = 10;

export interface RespondContext {
  options: ResolvedSimulatorOptions;
  stats: SimulatorStats;
  /** A unique message id. */
  nextMessageId(): string;
}

/** Answers a validated request according to its directives (faults first, then the answer). */
export function respond(
  ex: Exchange,
  request: SimRequest,
  hash: string,
  d: SimDirectives,
  ctx: RespondContext,
): void {
  if (d.drop) {
    ex.outcome("drop");
    ex.destroy();
    return;
  }
  if (d.hang) {
    // Nothing is written; the exchange ends when the client gives up (counted as clientClosed).
    ex.outcome("hang");
    return;
  }
  if (d.status !== undefined) {
    ex.outcome("http_error");
    const type = d.errorType ?? errorTypeFor(d.status);
    ex.sendError(d.status, type, defaultMessage(type), retryHeaders(d));
    return;
  }

  const answer = generateAnswer(hash, {
    maxTokens: request.max_tokens,
    tokens: d.tokens,
    lengthRange: ctx.options.answerTokens,
    stopSequences: request.stop_sequences,
  });
  const inputTokens = countInputTokens(request);
  ctx.stats.inputTokens += inputTokens;
  ctx.stats.outputTokens += answer.outputTokens;
  const timing = {
    ttftMs: d.ttftMs ?? ctx.options.ttftMs,
    tokensPerSecond: d.tokensPerSecond ?? ctx.options.tokensPerSecond,
  };
  const message = { id: ctx.nextMessageId(), model: request.model, inputTokens, answer };
  if (request.stream === true) {
    streamAnswer(ex, message, d, timing, ctx.options.tokensPerDelta);
  } else {
    jsonAnswer(ex, message, d, timing);
  }
}

interface Outgoing {
  id: string;
  model: string;
  inputTokens: number;
  answer: Answer;
}

interface Timing {
  ttftMs: number;
  tokensPerSecond: number;
}

function retryHeaders(d: SimDirectives): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  if (d.retryAfterSeconds !== undefined) headers["retry-after"] = String(d.retryAfterSeconds);
  if (d.retryAfterMs !== undefined) headers["retry-after-ms"] = String(d.retryAfterMs);
  if (d.shouldRetry !== undefined) headers["x-should-retry"] = String(d.shouldRetry);
  return headers;
}

function messageJson(m: Outgoing): string {
  return JSON.stringify({
    id: m.id,
    type: "message",
    role: "assistant",
    model: m.model,
    content: [{ type: "text", text: m.answer.text }],
    container: null,
    stop_reason: m.answer.stopReason,
    stop_sequence: m.answer.stopSequence,
    stop_details: null,
    usage: {
      input_tokens: m.inputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: m.answer.outputTokens,
      service_tier: "standard",
    },
  });
}

/** Non-streaming: the whole generation time passes before the headers, as with the real API. */
function jsonAnswer(ex: Exchange, m: Outgoing, d: SimDirectives, t: Timing): void {
  const generationMs =
    t.ttftMs + (t.tokensPerSecond > 0 ? (m.answer.outputTokens * 1000) / t.tokensPerSecond : 0);
  const send = () => {
    if (d.invalidJson) {
      ex.outcome("invalid_json");
      ex.sendJson(200, messageJson(m).slice(0, 40));
    } else if (d.disconnectAfter !== undefined) {
      ex.outcome("disconnect");
      ex.destroy();
    } else if (d.stallAfter !== undefined) {
      ex.outcome("stall");
    } else if (d.errorAfter !== undefined) {
      // A non-streamed call cannot fail "mid-stream": it fails with the error's own status.
      ex.outcome("http_error");
      const type = d.errorType ?? "overloaded_error";
      ex.sendError(statusForType(type), type, defaultMessage(type), retryHeaders(d));
    } else {
      ex.outcome("ok");
      ex.sendJson(200, messageJson(m));
    }
  };
  if (generationMs > 0) ex.after(generationMs, send);
  else send();
}

type StreamFault = "disconnect" | "error" | "stall" | undefined;

function streamAnswer(
  ex: Exchange,
  m: Outgoing,
  d: SimDirectives,
  t: Timing,
  tokensPerDelta: number,
): void {
  ex.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
  });
  if (d.invalidJson) {
    ex.outcome("invalid_json");
    // The very first event is broken, so a client fails before it has yielded anything.
    ex.res.end(`event: message_start\ndata: {"type":"message_start","message":{"id":\n\n`);
    return;
  }

  // The earliest of the mid-stream faults wins.
  let fault: StreamFault;
  let cut = Infinity;
  for (const [kind, at] of [
    ["disconnect", d.disconnectAfter],
    ["error", d.errorAfter],
    ["stall", d.stallAfter],
  ] as const) {
    if (at !== undefined && at < cut) {
      fault = kind;
      cut = at;
    }
  }
  ex.outcome(
    fault === "disconnect"
      ? "disconnect"
      : fault === "error"
        ? "stream_error"
        : fault === "stall"
          ? "stall"
          : "ok",
  );

  const deltas = splitDeltas(m.answer.text, tokensPerDelta);
  const count = Math.min(cut, deltas.length);
  const errorType = d.errorType ?? "overloaded_error";
  const tail =
    fault === "error"
      ? errorEvent(errorType, defaultMessage(errorType))
      : fault === undefined
        ? CONTENT_BLOCK_STOP +
          messageDelta(
            m.answer.stopReason,
            m.answer.stopSequence,
            m.inputTokens,
            m.answer.outputTokens,
          ) +
          MESSAGE_STOP
        : "";

  const finish = (chunk: string) => {
    if (ex.closed) return;
    if (fault === "disconnect") ex.destroy(chunk);
    else if (fault === "stall") {
      if (chunk) ex.res.write(chunk);
    } else ex.res.end(chunk + tail);
  };

  const head = messageStart(m) + CONTENT_BLOCK_START + PING;
  if (t.ttftMs <= 0 && t.tokensPerSecond <= 0) {
    // The benchmark path: one write for the whole answer.
    let all = head;
    for (let i = 0; i < count; i++) all += textDelta(deltas[i] as string);
    finish(all);
    return;
  }

  ex.res.write(head);
  const startDeltas = () => {
    if (t.tokensPerSecond <= 0) {
      let all = "";
      for (let i = 0; i < count; i++) all += textDelta(deltas[i] as string);
      finish(all);
      return;
    }
    paceDeltas(ex, deltas, count, t.tokensPerSecond, finish);
  };
  if (t.ttftMs > 0) ex.after(t.ttftMs, startDeltas);
  else startDeltas();
}

/**
 * Sends deltas at `tokensPerSecond`, the first one at once. Each tick writes every delta that is
 * due, so slow consumers and fast rates cost one timer per tick, not one per token.
 */
function paceDeltas(
  ex: Exchange,
  deltas: readonly string[],
  count: number,
  tokensPerSecond: number,
  finish: (chunk: string) => void,
): void {
  // ends[i]: tokens emitted once delta i is out (cumulative, ~4 chars per token).
  const ends: number[] = [];
  let chars = 0;
  for (let i = 0; i < count; i++) {
    chars += (deltas[i] as string).length;
    ends.push(Math.ceil(chars / 4));
  }
  const first = ends[0] ?? 0;
  const start = performance.now();
  let next = 0;
  const tick = () => {
    const allowed = first + Math.floor(((performance.now() - start) * tokensPerSecond) / 1000);
    let chunk = "";
    while (next < count && (ends[next] as number) <= allowed) {
      chunk += textDelta(deltas[next] as string);
      next++;
    }
    if (next >= count) {
      finish(chunk);
      return;
    }
    if (chunk) ex.res.write(chunk);
    const dueAt = start + (((ends[next] as number) - first) * 1000) / tokensPerSecond;
    ex.after(Math.max(MIN_TICK_MS, dueAt - performance.now()), tick);
  };
  tick();
}
