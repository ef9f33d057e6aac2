import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AgentView } from "@/lib/agents/agent-view";
import type { TemplateView } from "@/lib/templates/template-view";
import { fetchJson, postJson } from "./fetch-json";
import { type ComposerChoices, dagDependencies, stepKeyOf } from "./run-input";
import { type ComposerPrefill, composerPrefill } from "./run-prefill";

/** The body of POST /api/templates. */
export interface CreateTemplateBody {
  name: string;
  mode: ComposerChoices["mode"];
  task: string;
  cacheMode: ComposerChoices["cacheMode"];
  steps: { key: string; agent: string; dependsOn: string[]; input?: string }[];
}

const TEMPLATES_KEY = ["templates"] as const;

/** The composer's current choices as a template named `name`. Pure. */
export function templateFromChoices(name: string, choices: ComposerChoices): CreateTemplateBody {
  const dag = choices.mode === "dag";
  const deps = dag ? dagDependencies(choices) : {};
  return {
    name,
    mode: choices.mode,
    task: choices.task,
    cacheMode: choices.cacheMode,
    steps: choices.agents.map((a) => {
      const key = stepKeyOf(choices, a);
      const input = dag && choices.inputs?.[a.id]?.trim() ? choices.inputs[a.id] : undefined;
      return { key, agent: a.id, dependsOn: deps[key] ?? [], ...(input ? { input } : {}) };
    }),
  };
}

/**
 * A saved template → the composer's starting choices, as "Open in composer" does for a run: a
 * step whose agent was deleted since is left out, with a note naming the agent.
 */
export function templatePrefill(
  template: TemplateView,
  agents: readonly Pick<AgentView, "id" | "name">[],
): ComposerPrefill {
  return composerPrefill(
    {
      mode: template.mode,
      task: template.task,
      steps: template.steps.map((s, position) => ({ ...s, position })),
    },
    agents,
  );
}

export function useTemplates() {
  return useQuery({
    queryKey: TEMPLATES_KEY,
    queryFn: async ({ signal }) =>
      (await fetchJson<{ templates: TemplateView[] }>("/api/templates", { signal })).templates,
  });
}

export function useSaveTemplate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateTemplateBody) =>
      postJson<{ template: TemplateView }>("/api/templates", body),
    onSuccess: () => client.invalidateQueries({ queryKey: TEMPLATES_KEY }),
  });
}

/** Deletes a template: whoever saved it, or an admin or owner. */
export function useDeleteTemplate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      fetchJson<null>(`/api/templates/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => client.invalidateQueries({ queryKey: TEMPLATES_KEY }),
  });
}
