import "server-only";
import { estimateCostUsd } from "@/lib/cache/pricing";
import type { CallOptions, RawRequest, UpstreamResponse } from "@/lib/llm/types";
import { type Span, SpanKind, failSpan, startSpan } from "@/lib/tracing";
import type { Metrics } from "./registry";

type Send = (request: RawRequest, options?: CallOptions) => Promise<UpstreamResponse>;

/** What one upstream call came to, for metrics and traces. */
export interface UpstreamOutcome {
  model: string;
  /** ok, client_error, rate_limited, overloaded, server_error, connection_error, stream_error. */
  outcome: string;
  status: number | null;
  inputTokens: number;
  outputTokens: number;
  finishReasons: string[];
  ttftMs: number | null;
  latencyMs: number;
}

const decoder = new TextDecoder();
// The wire's own (unescaped) JSON keys: a prompt or an answer that contains these words has them
// escaped inside a JSON string, so they never match.
const MODEL = /"model"\s*:\s*"([^"\\]{1,100})"/;
const INPUT = /"input_tokens"\s*:\s*(\d+)/g;
const OUTPUT = /"output_tokens"\s*:\s*(\d+)/g;
const STOP = /"stop_reason"\s*:\s*"([a-z_]{1,40})"/g;

function outcomeOf(status: number): string {
  if (status >= 200 && status < 300) return "ok";
  if (status === 429) return "rate_limited";
  if (status === 529) return "overloaded";
  if (status >= 500) return "server_error";
  return "client_error";
}

/**
 * The provider's raw call, observed: counts calls by model and outcome, times the first body byte
 * and the last, and reads the usage and stop reason the upstream reported from the bytes as they
 * pass (SSE or JSON), without holding them. Every model call — runs' and the gateway's — goes
 * through here, so one place knows what the upstream cost.
 */
export function observeUpstream(send: Send, record: (o: UpstreamOutcome) => void): Send {
  return async (request, options) => {
    const started = performance.now();
    const fromRequest = () =>
      MODEL.exec(
        typeof request.body === "string" ? request.body : decoder.decode(request.body),
      )?.[1] ?? "";
    const span = upstreamSpan(fromRequest);
    const report = (o: UpstreamOutcome) => {
      record(o);
      endUpstreamSpan(span, o);
    };
    let response: UpstreamResponse;
    try {
      response = await send(request, options);
    } catch (error) {
      report(blank(fromRequest(), "connection_error", null, started));
      throw error;
    }
    const outcome = outcomeOf(response.status);
    if (!response.body) {
      report(blank(fromRequest(), outcome, response.status, started));
      return response;
    }
    return {
      ...response,
      body: tap(response.body, { outcome, status: response.status, started, fromRequest, report }),
    };
  };
}

function blank(
  model: string,
  outcome: string,
  status: number | null,
  started: number,
): UpstreamOutcome {
  const latencyMs = performance.now() - started;
  return {
    model,
    outcome,
    status,
    inputTokens: 0,
    outputTokens: 0,
    finishReasons: [],
    ttftMs: null,
    latencyMs,
  };
}

async function* tap(
  body: AsyncIterable<Uint8Array>,
  call: {
    outcome: string;
    status: number;
    started: number;
    fromRequest: () => string;
    report: (o: UpstreamOutcome) => void;
  },
): AsyncIterable<Uint8Array> {
  const seen = { model: "", input: 0, output: 0, reasons: new Set<string>(), error: false };
  let ttftMs: number | null = null;
  let carry = "";
  let failed = false;
  try {
    for await (const chunk of body) {
      ttftMs ??= performance.now() - call.started;
      // A key split across two chunks is found in the carried tail; max() makes a re-read harmless.
      const text = carry + decoder.decode(chunk, { stream: true });
      scan(text, seen);
      carry = text.slice(-200);
      yield chunk;
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    const outcome =
      failed || seen.error ? (call.outcome === "ok" ? "stream_error" : call.outcome) : call.outcome;
    call.report({
      model: seen.model || call.fromRequest(),
      outcome,
      status: call.status,
      inputTokens: seen.input,
      outputTokens: seen.output,
      finishReasons: [...seen.reasons],
      ttftMs,
      latencyMs: performance.now() - call.started,
    });
  }
}

function scan(
  text: string,
  seen: { model: string; input: number; output: number; reasons: Set<string>; error: boolean },
): void {
  if (!seen.model) seen.model = MODEL.exec(text)?.[1] ?? "";
  for (const m of text.matchAll(INPUT)) seen.input = Math.max(seen.input, Number(m[1]));
  for (const m of text.matchAll(OUTPUT)) seen.output = Math.max(seen.output, Number(m[1]));
  for (const m of text.matchAll(STOP)) seen.reasons.add(m[1]!);
  if (text.includes("event: error")) seen.error = true;
}

/**
 * The span of one model call, with the GenAI semantic conventions' attributes (never the prompt).
 * The request's model is read from its body only when the span records (tracing is on).
 */
function upstreamSpan(model: () => string): Span {
  const span = startSpan(
    "chat",
    { "gen_ai.operation.name": "chat", "gen_ai.system": "anthropic" },
    SpanKind.CLIENT,
  );
  if (span.isRecording()) {
    const requested = model();
    span.updateName(`chat ${requested}`);
    span.setAttribute("gen_ai.request.model", requested);
  }
  return span;
}

function endUpstreamSpan(span: Span, o: UpstreamOutcome): void {
  if (span.isRecording()) {
    span.setAttributes({
      "gen_ai.response.model": o.model,
      "gen_ai.usage.input_tokens": o.inputTokens,
      "gen_ai.usage.output_tokens": o.outputTokens,
      "gen_ai.response.finish_reasons": o.finishReasons,
      "ensemble.upstream.outcome": o.outcome,
      ...(o.status === null ? {} : { "http.response.status_code": o.status }),
      ...(o.ttftMs === null ? {} : { "ensemble.upstream.ttft_ms": Math.round(o.ttftMs) }),
    });
    if (o.outcome !== "ok") failSpan(span, new Error(o.outcome));
  }
  span.end();
}

/** Records one upstream call's outcome in the process's metrics. */
export function recordUpstream(metrics: Metrics, o: UpstreamOutcome): void {
  const model = metrics.modelLabel(o.model);
  metrics.upstreamCalls.inc({ model, outcome: o.outcome });
  metrics.upstreamLatency.observe({ model }, o.latencyMs / 1000);
  if (o.ttftMs !== null) metrics.upstreamTtft.observe({ model }, o.ttftMs / 1000);
  if (o.inputTokens) metrics.upstreamTokens.inc({ model, kind: "input" }, o.inputTokens);
  if (o.outputTokens) metrics.upstreamTokens.inc({ model, kind: "output" }, o.outputTokens);
  const cost = estimateCostUsd(o.model, o.inputTokens, o.outputTokens);
  if (cost > 0) metrics.upstreamCost.inc({ model }, cost);
}
