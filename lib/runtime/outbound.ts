import "server-only";
import type { Redis } from "ioredis";
import type { Env } from "@/lib/config";
import type { Logger } from "@/lib/log";
import { createLabelGuard } from "@/lib/metrics/instruments";
import type { Metrics } from "@/lib/metrics/registry";
import { observeUpstream, recordUpstream } from "@/lib/metrics/observe-upstream";
import type { Provider } from "@/lib/llm/types";
import { limitOutbound } from "@/lib/outbound/limit-send";
import { type OutboundLimiter, createOutboundLimiter } from "@/lib/outbound/limiter";
import { createRedisOutboundStore } from "@/lib/outbound/redis-store";
import { createMemoryOutboundStore } from "@/lib/outbound/window-store";

/**
 * Every model call's raw send (runs, gateway, warming): counted and timed, behind the outbound
 * limits (outside the timing, so a wait for room is not upstream latency).
 */
export function buildSend(
  config: Env,
  redis: Redis | null,
  send: Provider["send"],
  metrics: Metrics,
  log: Logger,
): Provider["send"] {
  return limitOutbound(
    observeUpstream(send, (o) => recordUpstream(metrics, o)),
    buildOutboundLimiter(config, redis, metrics, log.child("outbound")),
  );
}

/**
 * The outbound limiter the process's model calls (runs, gateway, warming) go through: on Redis
 * when configured, so every instance shares the same windows and holds; in-process otherwise.
 */
export function buildOutboundLimiter(
  config: Env,
  redis: Redis | null,
  metrics: Metrics,
  log: Logger,
): OutboundLimiter {
  const window = config.OUTBOUND_WINDOW_MS;
  const modelLabel = createLabelGuard();
  let lastWarning = 0;
  return createOutboundLimiter({
    // ioredis runs defineCommand on a duplicate-free client: the shared one is fine.
    store: redis ? createRedisOutboundStore(redis, window) : createMemoryOutboundStore(window),
    limits: config.OUTBOUND_LIMITS,
    onWait: (model, ms, outcome) =>
      metrics.outboundWait.observe({ model: modelLabel(model), outcome }, ms / 1000),
    onStoreError: (error) => {
      // Once a minute at most: an outage would otherwise log every call.
      if (Date.now() - lastWarning < 60_000) return;
      lastWarning = Date.now();
      log.warn(`outbound limits unavailable, calls go unlimited: ${(error as Error).message}`);
    },
  });
}
