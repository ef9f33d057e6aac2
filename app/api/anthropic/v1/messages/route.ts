import { serveMessages } from "@/lib/gateway/messages-endpoint";
import { observeRequest } from "@/lib/http/observe-request";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * The Anthropic-compatible gateway. Point any Anthropic SDK (or Claude Code) at
 * `<ensemble>/api/anthropic` with an Ensemble API key. It does not use the JSON route wrapper:
 * every answer, errors included, must be what the Anthropic API would send.
 */
export function POST(request: Request): Promise<Response> {
  return observeRequest(request, "/api/anthropic/v1/messages", () =>
    serveMessages(request, "messages"),
  );
}
