import { anthropicErrorResponse } from "@/lib/gateway/anthropic-errors";
import { apiPathOf, gatewayRoute, handleApiPath } from "@/lib/gateway/handle-api-path";
import { observeRequest } from "@/lib/http/observe-request";
import { gatewayDeps } from "../gateway-deps";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Every /api/anthropic path the Messages routes do not own: the base, /v1/models, the verbatim
 * proxy for the rest of /v1/* (Message Batches, Files, …), and JSON 404/405 for anything else —
 * never Next's HTML pages.
 */
function handle(request: Request): Promise<Response> {
  return observeRequest(request, gatewayRoute(apiPathOf(request.url)), async () => {
    try {
      return await handleApiPath(request, await gatewayDeps());
    } catch (error) {
      // The runtime failed to start (a broken database, say): still the API's envelope, not HTML.
      return anthropicErrorResponse(error);
    }
  });
}

export const GET = handle;
export const HEAD = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
export const OPTIONS = handle;
