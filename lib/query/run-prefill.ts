/**
 * A stored run → the composer's starting choices ("Open in composer"). Pure, so the rules for
 * agents deleted since and steps the composer cannot hold are unit-tested
 * (tests/unit/query/run-prefill.test.ts).
 */
import type { AgentView } from "@/lib/agents/agent-view";
import type { RunDetail, RunMode, RunStepView } from "@/lib/runs/run-view";

export interface ComposerPrefill {
  mode: RunMode;
  task: string;
  /** Agent ids in the run's step order (a chain's order). */
  selected: string[];
  /** DAG dependencies by agent id. */
  deps: Record<string, string[]>;
  /** DAG step instructions by agent id. */
  inputs: Record<string, string>;
  /** DAG step keys by agent id, so the new run's steps keep the run's names. */
  keys: Record<string, string>;
  /** What could not be carried over, in words, one line each. */
  notes: string[];
}

/**
 * The run's mode, task, agents and DAG. A step whose agent was deleted since (or is no longer in
 * the team's list) is left out with a note, and dependencies on it are dropped; so is a second
 * step of an agent already used, since the composer holds one step per agent.
 */
export function composerPrefill(
  run: Pick<RunDetail, "mode" | "task"> & {
    steps: readonly Pick<
      RunStepView,
      "key" | "position" | "agentId" | "agentName" | "dependsOn" | "input"
    >[];
  },
  agents: readonly Pick<AgentView, "id" | "name">[],
): ComposerPrefill {
  const live = new Map(agents.map((a) => [a.id, a] as const));
  const agentOfKey = new Map<string, string>();
  const notes: string[] = [];
  const steps = [...run.steps].sort((a, b) => a.position - b.position);
  for (const step of steps) {
    const agent = step.agentId === null ? undefined : live.get(step.agentId);
    if (!agent) {
      notes.push(
        `Step "${step.key}" used the agent "${step.agentName}", which has been deleted: it is left out.`,
      );
    } else if ([...agentOfKey.values()].includes(agent.id)) {
      notes.push(
        `Step "${step.key}" uses "${agent.name}" a second time; the composer holds one step per agent, so it is left out.`,
      );
    } else {
      agentOfKey.set(step.key, agent.id);
    }
  }
  const kept = steps.filter((s) => agentOfKey.has(s.key));
  const deps: Record<string, string[]> = {};
  const inputs: Record<string, string> = {};
  const keys: Record<string, string> = {};
  for (const step of kept) {
    const id = agentOfKey.get(step.key)!;
    keys[id] = step.key;
    if (step.input) inputs[id] = step.input;
    const on = step.dependsOn.flatMap((k) => {
      const dep = agentOfKey.get(k);
      return dep === undefined ? [] : [dep];
    });
    if (on.length > 0) deps[id] = on;
    const dropped = step.dependsOn.filter((k) => !agentOfKey.has(k));
    if (run.mode === "dag" && dropped.length > 0) {
      notes.push(
        `Step "${step.key}" no longer depends on ${dropped.map((k) => `"${k}"`).join(", ")}.`,
      );
    }
  }
  return {
    mode: run.mode,
    task: run.task,
    selected: kept.map((s) => agentOfKey.get(s.key)!),
    deps: run.mode === "dag" ? deps : {},
    inputs: run.mode === "dag" ? inputs : {},
    keys: run.mode === "dag" ? keys : {},
    notes,
  };
}
