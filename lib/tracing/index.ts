import "server-only";
import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from "@opentelemetry/api";

export type { Span } from "@opentelemetry/api";
export { SpanKind } from "@opentelemetry/api";

/**
 * Spans for the app's work, through the OpenTelemetry API only. Until installTracing (install.ts,
 * loaded only when OTEL_EXPORTER_OTLP_ENDPOINT is set) registers an SDK, every call here goes to
 * the API's no-op tracer: nothing is recorded, exported or kept.
 */
const tracer = () => trace.getTracer("ensemble");

/** Runs `work` inside a new active span (a child of the current one), ending it with its outcome. */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  options: { kind?: SpanKind; parent?: Context } = {},
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes },
    options.parent ?? context.active(),
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        failSpan(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** A span that ends later than the code that starts it (an upstream body read after return). */
export function startSpan(name: string, attributes: Attributes, kind = SpanKind.INTERNAL): Span {
  return tracer().startSpan(name, { kind, attributes });
}

/** A span under an explicit parent context (a request's, from its `traceparent`). */
export function startSpanIn(
  parent: Context,
  name: string,
  attributes: Attributes,
  kind = SpanKind.INTERNAL,
): Span {
  return tracer().startSpan(name, { kind, attributes }, parent);
}

/** A span for something already over (a wait measured by its caller), under the active span. */
export function recordSpan(
  name: string,
  attributes: Attributes,
  startMs: number,
  endMs: number,
): void {
  tracer().startSpan(name, { attributes, startTime: startMs }).end(endMs);
}

/** Marks a span failed, with the error's class and message (never a request body). */
export function failSpan(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
  span.setAttribute("error.type", (error as Error)?.name ?? "Error");
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/** The trace context a caller sent (`traceparent`, `tracestate`), as the parent of our spans. */
export function incomingContext(headers: HeaderSource): Context {
  return propagation.extract(ROOT_CONTEXT, headers, {
    keys: (carrier) =>
      carrier instanceof Headers ? [...carrier.keys()] : Object.keys(carrier as object),
    get: (carrier, key) => {
      const value =
        carrier instanceof Headers
          ? (carrier.get(key) ?? undefined)
          : (carrier as Record<string, string | string[] | undefined>)[key];
      return Array.isArray(value) ? value[0] : value;
    },
  });
}

/** Runs `fn` with `span` as the active span (its children's parent). */
export function withSpan<T>(span: Span, fn: () => T): T {
  return context.with(trace.setSpan(context.active(), span), fn);
}

/** Exports the spans still buffered (shutdown). */
export async function flushTracing(): Promise<void> {
  const provider = trace.getTracerProvider() as {
    getDelegate?: () => { forceFlush?: () => Promise<void> };
  };
  await provider.getDelegate?.().forceFlush?.();
}
