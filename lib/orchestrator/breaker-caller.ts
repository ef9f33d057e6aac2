import { createHash } from "node:crypto";
import { AppError } from "@/lib/errors";
import type { ModelCaller, ModelRequest } from "@/lib/llm/types";
import type { BreakerRegistry } from "./circuit-breaker";

/** Settles a permit whose call ended without an outcome (its consumer stopped reading). */
const ABANDONED = new AppError("cancelled", "The caller stopped reading the model stream.");

/**
 * Puts the per-model circuit breakers in front of the upstream, behind the cache: wrap the
 * function the cache calls on a miss, so a cached answer is served while a circuit is open, and a
 * hit neither opens nor closes one. Each call is one breaker permit, settled with the call's
 * outcome (provider-health failures count; see isBreakerFailure), once per distinct request.
 */
export function withBreakers(upstream: ModelCaller, breakers: BreakerRegistry): ModelCaller {
  return async function* guarded(request, context) {
    const permit = breakers.get(request.model).enter(fingerprint(request));
    try {
      yield* upstream(request, context);
      permit.settle();
    } catch (error) {
      permit.settle(error);
      throw error;
    } finally {
      // No-op when settled above; otherwise the consumer left early, which proves nothing.
      permit.settle(ABANDONED);
    }
  };
}

/** Identifies a request for the breaker's "distinct failures" count (not a cache key). */
function fingerprint(request: ModelRequest): string {
  return createHash("sha256").update(JSON.stringify(request)).digest("base64url");
}
