import "server-only";
import type { ApiPathDeps } from "@/lib/gateway/handle-api-path";
import { checkRateLimit } from "@/lib/http/rate-limit";
import { getGatewayServices } from "@/lib/runtime";

/**
 * What the gateway's handlers need, taken from the process's one runtime: its authentication,
 * request log and upstream, and the shared rate limiter. Used by the Next routes and by the
 * node:http front server alike, so both serve the gateway from the same runtime.
 */
export async function gatewayDeps(): Promise<ApiPathDeps> {
  const gateway = await getGatewayServices();
  return {
    services: {
      gatewayAuth: gateway.gatewayAuth,
      requestLog: gateway.requestLog,
      rateLimit: (identity) => checkRateLimit("gateway", identity),
    },
    target: gateway.target,
  };
}
