import "server-only";
import type { AgentView } from "@/lib/agents/agent-view";
import type { AgentSnapshot } from "@/lib/orchestrator";
import type { AgentSnapshotView } from "./run-view";

/** The stored agent fields a snapshot is taken from (those the API shows, bar the dates). */
type AgentRow = Omit<AgentView, "createdAt" | "updatedAt">;

/**
 * What a run step keeps of its agent (RunStep.agentSnapshot): the agent as it was when the run
 * started, so history and re-runs are unaffected by later edits.
 */
export function snapshotAgent(agent: AgentRow): AgentSnapshot {
  return {
    id: agent.id,
    name: agent.name,
    model: agent.model,
    system: agent.system,
    temperature: agent.temperature,
    maxTokens: agent.maxTokens,
    // Left out when there are none, so snapshots of agents without fallbacks stay as they were.
    ...(agent.fallbackModels.length > 0 ? { fallbackModels: [...agent.fallbackModels] } : {}),
    cache: {
      // null = the default policy: cache deterministic (temperature 0) agents only.
      enabled: agent.cacheEnabled ?? agent.temperature === 0,
      ...(agent.cacheTtlSeconds ? { ttlSeconds: agent.cacheTtlSeconds } : {}),
    },
  };
}

/** A stored snapshot read back: the JSON column holds exactly what snapshotAgent returned. */
export function readAgentSnapshot(stored: unknown): AgentSnapshot {
  return stored as AgentSnapshot;
}

/** The snapshot as the API shows it (its cache policy stays on the server). */
export function toAgentSnapshotView(agent: AgentSnapshot): AgentSnapshotView {
  return {
    id: agent.id,
    name: agent.name,
    model: agent.model,
    system: agent.system,
    temperature: agent.temperature,
    maxTokens: agent.maxTokens,
    ...(agent.fallbackModels?.length ? { fallbackModels: agent.fallbackModels } : {}),
  };
}
