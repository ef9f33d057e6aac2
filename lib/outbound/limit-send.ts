import { addLogContext } from "@/lib/log-context";
import type { CallOptions, RawRequest, UpstreamResponse } from "@/lib/llm/types";
import type { OutboundLimiter, OutboundPermit } from "./limiter";
import { UsageScan, estimateInputTokens, holdFromAnswer } from "./upstream-hints";

type Send = (request: RawRequest, options?: CallOptions) => Promise<UpstreamResponse>;

/**
 * The provider's raw send behind the outbound limiter: a Messages call that names its model and
 * team (RawRequest.outbound) takes room before it goes, settles with the usage it reports after,
 * and tells every instance to hold the model when the upstream says its budget is spent.
 */
export function limitOutbound(send: Send, limiter: OutboundLimiter): Send {
  return async (request, options) => {
    const outbound = request.outbound;
    if (!outbound) return send(request, options);
    const permit = await limiter.acquire({
      model: outbound.model,
      teamId: outbound.teamId,
      inputTokens: estimateInputTokens(request.body),
      maxWaitMs: outbound.maxWaitMs,
      signal: options?.signal,
    });
    // The wait is on the request's (or the step's) log line.
    if (permit.waitedMs > 0) addLogContext({ outboundWaitMs: permit.waitedMs });
    outbound.onWait?.(permit.waitedMs);
    let response: UpstreamResponse;
    try {
      response = await send(request, options);
    } catch (error) {
      permit.settle(null);
      throw error;
    }
    const hold = holdFromAnswer(response.status, response.headers);
    if (hold > 0) limiter.hold(outbound.model, hold);
    if (response.body === null || response.status !== 200) {
      permit.settle(null);
      return response;
    }
    return { ...response, body: settleWith(response.body, permit) };
  };
}

async function* settleWith(
  body: AsyncIterable<Uint8Array>,
  permit: OutboundPermit,
): AsyncGenerator<Uint8Array, void> {
  const scan = new UsageScan();
  try {
    for await (const chunk of body) {
      scan.push(chunk);
      yield chunk;
    }
  } finally {
    // Settled however the body ended (read to its end, failed, abandoned): once, with what it said.
    permit.settle(
      scan.inputTokens === null
        ? null
        : { inputTokens: scan.inputTokens, outputTokens: scan.outputTokens },
    );
  }
}
