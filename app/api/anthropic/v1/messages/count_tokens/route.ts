import { serveMessages } from "@/lib/gateway/messages-endpoint";
import { observeRequest } from "@/lib/http/observe-request";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Token counting, forwarded like the API's and cached under its own key. */
export function POST(request: Request): Promise<Response> {
  return observeRequest(request, "/api/anthropic/v1/messages/count_tokens", () =>
    serveMessages(request, "count_tokens"),
  );
}
