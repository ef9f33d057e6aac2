import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { getConfig } from "@/lib/config";
import { clientAddress } from "@/lib/http/client-address";
import type { Metrics } from "./registry";

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1", "localhost"]);

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * Who may read the metrics: with METRICS_TOKEN, whoever sends it as a bearer token; without,
 * only a caller on this host (the address TRUST_PROXY_HOPS vouches for, so a proxy in front does
 * not make every client look local). Null when allowed, else the refusal.
 */
export function refuseMetrics(
  request: Request,
  token = getConfig().METRICS_TOKEN,
): Response | null {
  if (token) {
    const sent = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
    // Compared as digests: equal length, constant time, whatever was sent.
    if (timingSafeEqual(digest(sent.trim()), digest(token))) return null;
    return new Response("unauthorized: send METRICS_TOKEN as a bearer token\n", {
      status: 401,
      headers: { "www-authenticate": 'Bearer realm="metrics"', "content-type": "text/plain" },
    });
  }
  if (LOOPBACK.has(clientAddress(request))) return null;
  return new Response(
    "forbidden: metrics are served to loopback only unless METRICS_TOKEN is set\n",
    {
      status: 403,
      headers: { "content-type": "text/plain" },
    },
  );
}

/** The registry in Prometheus text exposition format. */
export async function metricsResponse(metrics: Metrics): Promise<Response> {
  return new Response(await metrics.registry.metrics(), {
    headers: { "content-type": metrics.registry.contentType, "cache-control": "no-store" },
  });
}
