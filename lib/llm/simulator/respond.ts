import type { OutgoingHttpHeaders } from "node:http";
import { buildContent, streamItems, type Content, type StreamItem } from "./blocks";
import type { SimDirectives } from "./directives";
import type { Exchange } from "./exchange";
import type { ResolvedSimulatorOptions } from "./options";
import type { SimRequest } from "./request";
import type { SimulatorStats } from "./stats";
import {
  MESSAGE_STOP,
  defaultMessage,
  errorEvent,
  errorTypeFor,
  messageDelta,
  messageJson,
  messageStart,
  statusForType,
  type MessageHead,
  type WireUsage,
} from "./wire";

/** Below this, paced streams batch deltas into one write instead of arming a timer per delta. */
const MIN_TICK_MS = 10;

export interface RespondContext {
  options: ResolvedSimulatorOptions;
  stats: SimulatorStats;
  /** A unique message id. */
  nextMessageId(): string;
  /** A unique tool_use id. */
  nextToolId(): string;
  /** Charges the answer's output tokens to the model's rate limit. */
  settleOutput(model: string, outputTokens: number): void;
}

/** What the admission step decided: the input-side usage and the rate-limit headers. */
export interface Admitted {
  usage: WireUsage;
  headers: OutgoingHttpHeaders;
}

/** Answers a validated request according to its directives (faults first, then the answer). */
export function respond(
  ex: Exchange,
  request: SimRequest,
  hash: string,
  d: SimDirectives,
  ctx: RespondContext,
  admitted: Admitted,
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

  const content = buildContent(request, hash, d, {
    lengthRange: ctx.options.answerTokens,
    nextToolId: ctx.nextToolId,
  });
  const u = admitted.usage;
  ctx.stats.inputTokens +=
    u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
  ctx.stats.outputTokens += content.outputTokens;
  ctx.settleOutput(request.model, content.outputTokens);
  const timing = {
    ttftMs: d.ttftMs ?? ctx.options.ttftMs,
    tokensPerSecond: d.tokensPerSecond ?? ctx.options.tokensPerSecond,
  };
  const head: MessageHead = { id: ctx.nextMessageId(), model: request.model, usage: u };
  if (request.stream === true) {
    streamAnswer(ex, { head, content }, d, timing, ctx.options.tokensPerDelta, admitted.headers);
  } else {
    jsonAnswer(ex, { head, content }, d, timing, admitted.headers);
  }
}

interface Outgoing {
  head: MessageHead;
  content: Content;
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

function jsonOf(m: Outgoing): string {
  return messageJson(m.head, m.content.blocks, m.content);
}

/** Non-streaming: the whole generation time passes before the headers, as with the real API. */
function jsonAnswer(
  ex: Exchange,
  m: Outgoing,
  d: SimDirectives,
  t: Timing,
  headers: OutgoingHttpHeaders,
): void {
  const generationMs =
    t.ttftMs + (t.tokensPerSecond > 0 ? (m.content.outputTokens * 1000) / t.tokensPerSecond : 0);
  const send = () => {
    if (d.invalidJson) {
      ex.outcome("invalid_json");
      ex.sendJson(200, jsonOf(m).slice(0, 40), headers);
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
      ex.sendJson(200, jsonOf(m), headers);
    }
  };
  if (generationMs > 0) ex.after(generationMs, send);
  else send();
}

type StreamFault = "disconnect" | "error" | "stall" | undefined;

/** The earliest of the mid-stream faults wins; `cut` is how many content deltas go out first. */
function streamFault(d: SimDirectives): { fault: StreamFault; cut: number } {
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
  return { fault, cut };
}

/** The items that go out before the `cut`-th content delta (all of them when there is no cut). */
function itemsBefore(items: readonly StreamItem[], cut: number): StreamItem[] {
  if (cut === Infinity) return [...items];
  const out: StreamItem[] = [];
  let deltas = 0;
  for (const item of items) {
    if (item.delta && deltas++ >= cut) break;
    out.push(item);
  }
  return out;
}

function streamAnswer(
  ex: Exchange,
  m: Outgoing,
  d: SimDirectives,
  t: Timing,
  tokensPerDelta: number,
  headers: OutgoingHttpHeaders,
): void {
  ex.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    ...headers,
  });
  if (d.invalidJson) {
    ex.outcome("invalid_json");
    // The very first event is broken, so a client fails before it has yielded anything.
    ex.res.end(`event: message_start\ndata: {"type":"message_start","message":{"id":\n\n`);
    return;
  }
  const { fault, cut } = streamFault(d);
  ex.outcome(
    fault === "disconnect"
      ? "disconnect"
      : fault === "error"
        ? "stream_error"
        : fault === "stall"
          ? "stall"
          : "ok",
  );

  const items = itemsBefore(streamItems(m.content.blocks, tokensPerDelta), cut);
  const errorType = d.errorType ?? "overloaded_error";
  const c = m.content;
  const tail =
    fault === "error"
      ? errorEvent(errorType, defaultMessage(errorType))
      : fault === undefined
        ? messageDelta(c.stopReason, c.stopSequence, m.head.usage, c.outputTokens) + MESSAGE_STOP
        : "";

  const finish = (chunk: string) => {
    if (ex.closed) return;
    if (fault === "disconnect") ex.destroy(chunk);
    else if (fault === "stall") {
      if (chunk) ex.res.write(chunk);
    } else ex.res.end(chunk + tail);
  };

  // The head goes out at once: message_start and everything before the first content delta.
  const firstDelta = items.findIndex((i) => i.delta);
  const headCount = firstDelta === -1 ? items.length : firstDelta;
  let head = messageStart(m.head);
  for (let i = 0; i < headCount; i++) head += (items[i] as StreamItem).frame;
  const rest = items.slice(headCount);
  if (t.ttftMs <= 0 && t.tokensPerSecond <= 0) {
    // The benchmark path: one write for the whole answer.
    let all = head;
    for (const item of rest) all += item.frame;
    finish(all);
    return;
  }

  ex.res.write(head);
  const startDeltas = () => {
    if (t.tokensPerSecond <= 0) {
      finish(rest.map((i) => i.frame).join(""));
      return;
    }
    paceItems(ex, rest, t.tokensPerSecond, finish);
  };
  if (t.ttftMs > 0) ex.after(t.ttftMs, startDeltas);
  else startDeltas();
}

/**
 * Sends items at `tokensPerSecond`, the first one at once. Each tick writes every item that is
 * due, so slow consumers and fast rates cost one timer per tick, not one per token.
 */
function paceItems(
  ex: Exchange,
  items: readonly StreamItem[],
  tokensPerSecond: number,
  finish: (chunk: string) => void,
): void {
  // ends[i]: tokens emitted once item i is out (cumulative).
  const ends: number[] = [];
  let tokens = 0;
  for (const item of items) {
    tokens += item.tokens;
    ends.push(tokens);
  }
  const first = ends[0] ?? 0;
  const start = performance.now();
  let next = 0;
  const tick = () => {
    const allowed = first + Math.floor(((performance.now() - start) * tokensPerSecond) / 1000);
    let chunk = "";
    while (next < items.length && (ends[next] as number) <= allowed) {
      chunk += (items[next] as StreamItem).frame;
      next++;
    }
    if (next >= items.length) {
      finish(chunk);
      return;
    }
    if (chunk) ex.res.write(chunk);
    const dueAt = start + (((ends[next] as number) - first) * 1000) / tokensPerSecond;
    ex.after(Math.max(MIN_TICK_MS, dueAt - performance.now()), tick);
  };
  tick();
}
