import { observeRequest } from "@/lib/http/observe-request";
import { metricsResponse, refuseMetrics } from "@/lib/metrics/serve-metrics";
import { getMetrics } from "@/lib/runtime";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Prometheus metrics of this process (each instance exposes its own). */
export function GET(request: Request): Promise<Response> {
  return observeRequest(
    request,
    "/api/metrics",
    async () => refuseMetrics(request) ?? metricsResponse(await getMetrics()),
  );
}
