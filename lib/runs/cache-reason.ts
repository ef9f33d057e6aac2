import { takesSamplingParams } from "@/lib/llm/sampling-params";

/**
 * Why a step's call hit, missed or skipped the response cache, in words a user reads on the run's
 * timeline (not `bypass`, `hit-db`). Pure: the status as stored and the agent as it ran.
 */
export function cacheReason(
  status: string | null,
  agent: { model: string; temperature: number; cache?: { enabled?: boolean } },
): string {
  switch (status) {
    case "hit-memory":
      return "Answered from this server's memory: the same model had already been asked exactly this (same input, system prompt and settings). No model call, nothing billed.";
    case "hit-db":
      return "Answered from the team's shared cache: the same request was answered before and stored. No model call, nothing billed.";
    case "coalesced":
      return "An identical request was already on its way to the model; this step received the same answer as it streamed, billed once.";
    case "miss":
      return "Not in the cache: this exact request (input, system prompt, model, temperature and token limit) had not been answered before, or its stored answer expired or was purged. The model answered, and a complete answer was stored for next time.";
    case "bypass":
      if (agent.cache?.enabled !== false) {
        return "The cache was skipped: the run was started with “skip the cache”, so the model was asked again and nothing was stored.";
      }
      if (agent.temperature === 0)
        return "The cache was skipped: caching is turned off for this agent.";
      return takesSamplingParams(agent.model)
        ? `The cache was skipped: this agent samples at temperature ${agent.temperature}, so each call may answer differently; agents are cached only at temperature 0 unless caching is turned on for them.`
        : `The cache was skipped: this agent is set to temperature ${agent.temperature} (not sent: its model takes none), and agents are cached only at temperature 0 unless caching is turned on for them.`;
    case null:
      return "The step never reached the model, so the cache was not asked.";
    default:
      return `Cache outcome: ${status}.`;
  }
}
