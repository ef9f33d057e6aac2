import { authenticate } from "@/lib/auth";
import { getPrisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { anthropicErrorResponse } from "@/lib/gateway/anthropic-errors";
import { handleMessages } from "@/lib/gateway/handle-messages";
import { cacheHeadersSchema, messagesRequestSchema } from "@/lib/gateway/request-schema";
import type { ModelRequest } from "@/lib/llm/types";
import { parseJsonBody, parseWith } from "@/lib/http/parse";
import { checkRateLimit } from "@/lib/http/rate-limit";
import { getRuntime } from "@/lib/runtime";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * The Anthropic-compatible gateway. Point any Anthropic SDK (or Claude Code) at
 * `<ensemble>/api/anthropic` with an Ensemble API key. It does not use the JSON route wrapper:
 * every answer, errors included, must be what the Anthropic API would send.
 */
export async function POST(request: Request): Promise<Response> {
  let limitHeaders = new Headers();
  try {
    const prisma = await getPrisma();
    const principal = await authenticate(prisma, request);
    if (!principal || principal.kind !== "api-key") {
      throw new AppError("unauthorized", "x-api-key header is required (an Ensemble API key)");
    }
    const limited = await checkRateLimit("gateway", `key:${principal.apiKeyId}`);
    limitHeaders = limited.headers;
    if (limited.error) throw limited.error;

    const body = await parseJsonBody(request, messagesRequestSchema);
    const cache = parseWith(cacheHeadersSchema, {
      mode: request.headers.get("x-ensemble-cache") ?? undefined,
      ttlSeconds: request.headers.get("x-ensemble-cache-ttl") ?? undefined,
    });
    const { gatewayCaller } = await getRuntime();
    return await handleMessages({
      prisma,
      caller: gatewayCaller,
      teamId: principal.teamId,
      apiKeyId: principal.apiKeyId,
      body: body as ModelRequest & { stream?: boolean },
      cache,
      signal: request.signal,
      headers: limitHeaders,
    });
  } catch (error) {
    return anthropicErrorResponse(error, limitHeaders);
  }
}
