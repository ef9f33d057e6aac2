import type { AppError } from "@/lib/errors";
import type { AgentSnapshot } from "./plan";

/**
 * Whether a failed attempt moves the step to the agent's next model rather than waiting for this
 * one. Only failures that say "this model, not this request, is unavailable right now" do, and
 * only before any text reached the user (a second model's answer would contradict it).
 */
export function switchesModel(error: AppError, tokensSeen: number): boolean {
  if (tokensSeen > 0) return false;
  // The upstream is overloaded (529): another model is served from other capacity.
  if (error.code === "upstream_overloaded") return true;
  // The breaker is protecting the model; without a fallback the step would wait for its probe.
  if (error.code === "circuit_open") return true;
  // Our outbound limiter would not wait longer for room on this model (fallbackMaxWaitMs).
  if (error.code === "upstream_rate_limited" && error.details?.outbound === true) return true;
  return false;
}

/** The models a step may call, in order: the agent's own, then its fallbacks. */
export function stepModels(agent: AgentSnapshot): string[] {
  return [agent.model, ...(agent.fallbackModels ?? [])];
}
