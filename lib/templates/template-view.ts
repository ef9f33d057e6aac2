/**
 * The JSON shape of a saved composer template on the API (and so in the browser).
 * Browser code imports these with `import type`.
 */
import type { RunMode } from "@/lib/runs/run-view";

export interface TemplateStep {
  key: string;
  /** The agent's id when the template was saved; it may have been deleted since. */
  agentId: string;
  /** The agent's name when the template was saved, to say which one is missing. */
  agentName: string;
  /** Keys of the steps this one waits for (DAG templates). */
  dependsOn: string[];
  /** A DAG step's own instructions; null when it has none. */
  input: string | null;
}

export interface TemplateView {
  id: string;
  name: string;
  mode: RunMode;
  task: string;
  cacheMode: "default" | "bypass" | "refresh";
  steps: TemplateStep[];
  /** Names of the template's agents that are no longer in the team (deleted since). */
  missingAgents: string[];
  /** Who saved it; null once that person left or was removed. */
  createdBy: { id: string; name: string } | null;
  createdAt: string;
}
