import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AgentView } from "@/lib/agents/agent-view";
import type { CreateAgentInput } from "@/lib/agents/schema";
import { fetchJson, postJson } from "./fetch-json";

/** The body of POST /api/agents (and, partially, PATCH /api/agents/:id). */
export type AgentInput = CreateAgentInput;

export interface ModelsResponse {
  models: Array<{ id: string; maxOutputTokens: number }>;
  provider: "simulator" | "anthropic";
}

export const agentKeys = {
  all: ["agents"] as const,
  models: ["models"] as const,
};

export function useAgents() {
  return useQuery({
    queryKey: agentKeys.all,
    queryFn: async () => (await fetchJson<{ agents: AgentView[] }>("/api/agents")).agents,
  });
}

export function useModels() {
  return useQuery({
    queryKey: agentKeys.models,
    queryFn: () => fetchJson<ModelsResponse>("/api/models"),
    staleTime: 5 * 60_000,
  });
}

/** Create when `id` is absent, otherwise update. Refreshes the agent list either way. */
export function useSaveAgent() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (
      args: { id?: undefined; input: AgentInput } | { id: string; input: Partial<AgentInput> },
    ) => {
      const { id, input } = args;
      const { agent } = id
        ? await postJson<{ agent: AgentView }>(`/api/agents/${encodeURIComponent(id)}`, input, {
            method: "PATCH",
          })
        : await postJson<{ agent: AgentView }>("/api/agents", input);
      return agent;
    },
    onSuccess: () => client.invalidateQueries({ queryKey: agentKeys.all }),
  });
}

export function useDeleteAgent() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      fetchJson<null>(`/api/agents/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: agentKeys.all }),
  });
}

export interface ImportResult {
  created: number;
  updated: number;
}

export function useImportAgents() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (file: unknown) => postJson<ImportResult>("/api/agents/import", file),
    onSuccess: () => client.invalidateQueries({ queryKey: agentKeys.all }),
  });
}

export const AGENTS_EXPORT_URL = "/api/agents/export";
