import "server-only";
import { context, propagation, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  TracerProvider,
} from "@opentelemetry/sdk-trace";

/**
 * Registers the OpenTelemetry SDK for this process: spans from lib/tracing go to `exporter`
 * (OTLP/HTTP in production; an in-memory exporter in tests, exported at once), with context
 * carried across awaits and `traceparent` read from incoming requests. Loaded only when tracing
 * is on. Returns how to stop it (flushing what is buffered).
 */
export function installTracing(options: {
  exporter: SpanExporter;
  serviceName: string;
  /** Export each span at once instead of in batches (tests). @default false */
  immediate?: boolean;
}): () => Promise<void> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": options.serviceName }),
    spanProcessors: [
      options.immediate
        ? new SimpleSpanProcessor({ exporter: options.exporter })
        : new BatchSpanProcessor({ exporter: options.exporter }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return () => provider.shutdown();
}

/** The production exporter: OTLP over HTTP to `<endpoint>/v1/traces`. */
export async function otlpExporter(endpoint: string): Promise<SpanExporter> {
  const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
  return new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, "")}/v1/traces` });
}
