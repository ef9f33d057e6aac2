/** An agent as the API returns it. */
export interface AgentView {
  id: string;
  name: string;
  model: string;
  system: string;
  temperature: number;
  maxTokens: number;
  /** null: the default policy (cached at temperature 0, not above). */
  cacheEnabled: boolean | null;
  cacheTtlSeconds: number | null;
  /** Tried in order when the primary model is overloaded or its circuit is open. */
  fallbackModels: string[];
  createdAt: string;
  updatedAt: string;
}

/** A stored agent: the view's fields with real dates (and more, which the view leaves out). */
type AgentRow = Omit<AgentView, "createdAt" | "updatedAt"> & { createdAt: Date; updatedAt: Date };

/** Picks the public fields (never teamId) and serialises the dates. */
export function toAgentView(agent: AgentRow): AgentView {
  return {
    id: agent.id,
    name: agent.name,
    model: agent.model,
    system: agent.system,
    temperature: agent.temperature,
    maxTokens: agent.maxTokens,
    cacheEnabled: agent.cacheEnabled,
    cacheTtlSeconds: agent.cacheTtlSeconds,
    fallbackModels: agent.fallbackModels,
    createdAt: agent.createdAt.toISOString(),
    updatedAt: agent.updatedAt.toISOString(),
  };
}
