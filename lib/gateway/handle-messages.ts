import "server-only";
import { ResponseCollector } from "@/lib/cache";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type {
  CacheControl,
  CacheStatus,
  ModelCaller,
  ModelRequest,
  ModelStreamEvent,
} from "@/lib/llm/types";
import { toAnthropicError } from "./anthropic-errors";
import { logGatewayRequest } from "./request-log";

const encoder = new TextEncoder();

function sseFrame(event: { type: string }): Uint8Array {
  return encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

export interface GatewayCall {
  prisma: PrismaClient;
  caller: ModelCaller;
  teamId: string;
  apiKeyId: string;
  body: ModelRequest & { stream?: boolean; metadata?: unknown };
  cache: CacheControl;
  signal: AbortSignal;
  /** Headers every response carries (rate-limit counts). */
  headers: Headers;
}

/**
 * One Messages call through the gateway: the response cache, single-flight and upstream, answered
 * exactly as the Anthropic API answers (JSON, or SSE with the same events), plus an
 * `x-ensemble-cache` header telling how it was served. Every call is written to the request log.
 */
export async function handleMessages(call: GatewayCall): Promise<Response> {
  const started = performance.now();
  const { stream: wantsStream, metadata: _metadata, ...request } = call.body;
  let cacheStatus: CacheStatus | undefined;
  const events = call
    .caller(request as ModelRequest, {
      teamId: call.teamId,
      cache: call.cache,
      signal: call.signal,
      onCacheStatus: (status) => (cacheStatus = status),
    })
    [Symbol.asyncIterator]();

  const log = (status: number, usage?: { input: number; output: number }, errorType?: string) =>
    logGatewayRequest(call.prisma, {
      teamId: call.teamId,
      apiKeyId: call.apiKeyId,
      model: request.model,
      stream: wantsStream === true,
      status,
      cacheStatus,
      errorType,
      latencyMs: Math.round(performance.now() - started),
      inputTokens: usage?.input ?? 0,
      outputTokens: usage?.output ?? 0,
      createdAt: new Date(),
    });

  // The first event decides between an HTTP error and a 200 (and tells the cache status).
  let first: IteratorResult<ModelStreamEvent>;
  try {
    first = await events.next();
    if (first.done) throw new AppError("stream_interrupted", "the upstream returned no events");
  } catch (error) {
    const mapped = toAnthropicError(error);
    log(mapped.status, undefined, mapped.body.error.type);
    throw error;
  }
  const headers = new Headers(call.headers);
  headers.set("x-ensemble-cache", cacheStatus ?? "miss");
  const collector = new ResponseCollector();

  if (!wantsStream) {
    try {
      collector.push(first.value);
      for (let next = await events.next(); !next.done; next = await events.next())
        collector.push(next.value);
    } catch (error) {
      const mapped = toAnthropicError(error);
      log(mapped.status, undefined, mapped.body.error.type);
      throw error;
    }
    const message = collector.result();
    log(200, { input: message.usage.input_tokens, output: message.usage.output_tokens });
    return Response.json(message, { headers });
  }

  headers.set("content-type", "text/event-stream; charset=utf-8");
  headers.set("cache-control", "no-cache");
  headers.set("x-accel-buffering", "no");
  let pending: ModelStreamEvent | undefined = first.value;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const event = pending ?? (await events.next()).value;
        pending = undefined;
        if (!event) {
          const message = collector.complete ? collector.result() : undefined;
          log(
            200,
            message && { input: message.usage.input_tokens, output: message.usage.output_tokens },
          );
          controller.close();
          return;
        }
        collector.push(event);
        controller.enqueue(sseFrame(event));
      } catch (error) {
        // After the first byte the status is sent: report the failure in-stream, as the API does.
        const mapped = toAnthropicError(error);
        log(mapped.status, undefined, mapped.body.error.type);
        controller.enqueue(sseFrame(mapped.body));
        controller.close();
      }
    },
    async cancel() {
      await events.return?.();
    },
  });
  return new Response(body, { headers });
}
