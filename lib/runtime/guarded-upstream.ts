import "server-only";
import { APIError } from "@anthropic-ai/sdk";
import { createHash } from "node:crypto";
import { AppError } from "@/lib/errors";
import type { RawCaller } from "@/lib/cache";
import { mapUpstreamError } from "@/lib/llm/map-error";
import type { UpstreamResponse } from "@/lib/llm/types";
import type { BreakerPermit, BreakerRegistry } from "@/lib/orchestrator";

const ABANDONED = new AppError("cancelled", "The caller stopped reading the model stream.");
const decoder = new TextDecoder();

/**
 * The per-model circuit breakers around the runs' raw upstream call, behind the cache (so a
 * cached answer is served while a circuit is open, and a hit neither opens nor closes one). A
 * call is one breaker permit, settled by its outcome: the HTTP status, a failure of the
 * connection or of the stream, or an `error` event in the stream; once per distinct request.
 */
export function guardRawUpstream(upstream: RawCaller, breakers: BreakerRegistry): RawCaller {
  return async (request, context) => {
    const permit = breakers.get(request.model).enter(fingerprint(request));
    let response: UpstreamResponse;
    try {
      response = await upstream(request, context);
    } catch (error) {
      permit.settle(mapUpstreamError(error, { signal: context.signal }));
      throw error;
    }
    if (response.status !== 200) return settleRefusal(response, permit);
    return { ...response, body: response.body && settleWithStream(response.body, permit) };
  };
}

/** Reads an error answer (small) to classify it, and hands on the same bytes. */
async function settleRefusal(
  response: UpstreamResponse,
  permit: BreakerPermit,
): Promise<UpstreamResponse> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of response.body ?? []) chunks.push(chunk);
  const text = chunks.map((c) => decoder.decode(c, { stream: true })).join("");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  permit.settle(
    mapUpstreamError(
      APIError.generate(response.status, body as object | undefined, undefined, response.headers),
    ),
  );
  return { ...response, body: replay(chunks) };
}

async function* replay(chunks: Uint8Array[]): AsyncIterable<Uint8Array> {
  yield* chunks;
}

async function* settleWithStream(
  body: AsyncIterable<Uint8Array>,
  permit: BreakerPermit,
): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of body) {
      // An error event mid-stream (overloaded_error, api_error) is the model failing, not us.
      const text = decoder.decode(chunk);
      if (text.includes("event: error")) {
        permit.settle(
          new AppError(
            text.includes("overloaded_error") ? "upstream_overloaded" : "upstream_error",
            "The model's stream reported an error.",
            { details: { upstreamStatus: text.includes("overloaded_error") ? 529 : 500 } },
          ),
        );
      }
      yield chunk;
    }
    permit.settle();
  } catch (error) {
    permit.settle(mapUpstreamError(error, { midStream: true }));
    throw error;
  } finally {
    permit.settle(ABANDONED);
  }
}

/** Identifies a request for the breaker's "distinct failures" count (not a cache key). */
function fingerprint(request: unknown): string {
  return createHash("sha256").update(JSON.stringify(request)).digest("base64url");
}
