/**
 * The composer's choices → the body of POST /api/runs, or the reason it cannot be sent yet.
 * Pure, so every rule the Run button enforces is unit-tested (tests/unit/query/run-input.test.ts).
 */
import type { AgentView } from "@/lib/agents/agent-view";
import type { RunMode } from "@/lib/runs/run-view";
import { findCycle } from "./dag";
import { formatInt } from "./format";
import { type CacheMode, type CreateRunInput, MAX_TASK_CHARS } from "./runs";

export interface ComposerChoices {
  /** The chosen agents, in the order picked (the chain's order). */
  agents: readonly Pick<AgentView, "id" | "name">[];
  mode: RunMode;
  task: string;
  cacheMode: CacheMode;
  /** DAG edges by agent id: each step's dependencies. Edges to unchosen agents are ignored. */
  deps: Readonly<Record<string, readonly string[]>>;
  /** A DAG step's own instructions by agent id; blank ones are not sent. */
  inputs?: Readonly<Record<string, string>>;
  /** A DAG step's key by agent id (kept from a run opened in the composer). @default the agent's name */
  keys?: Readonly<Record<string, string>>;
}

/** The key of the DAG step an agent makes. */
export const stepKeyOf = (choices: ComposerChoices, agent: Pick<AgentView, "id" | "name">) =>
  choices.keys?.[agent.id] ?? agent.name;

export type ComposerResult = { ok: true; input: CreateRunInput } | { ok: false; problem: string };

/** Each chosen step's dependencies by step key (the agent's name), limited to chosen agents. */
export function dagDependencies(choices: ComposerChoices): Record<string, string[]> {
  const nameOf = new Map(choices.agents.map((a) => [a.id, stepKeyOf(choices, a)] as const));
  return Object.fromEntries(
    choices.agents.map((a) => [
      stepKeyOf(choices, a),
      (choices.deps[a.id] ?? []).flatMap((d) => {
        const name = nameOf.get(d);
        return name === undefined ? [] : [name];
      }),
    ]),
  );
}

/** The first reason the run cannot start, in the order a person would fix them; null when none. */
export function composerProblem(choices: ComposerChoices): string | null {
  if (choices.agents.length === 0) return "Pick at least one agent.";
  if (choices.task.trim().length === 0) return "Write a task.";
  if (choices.task.length > MAX_TASK_CHARS)
    return `The task is ${formatInt(choices.task.length - MAX_TASK_CHARS)} characters too long.`;
  if (choices.mode === "dag") {
    const cycle = findCycle(dagDependencies(choices));
    if (cycle) return `The steps depend on each other in a cycle: ${cycle.join(" → ")}.`;
  }
  return null;
}

export function buildRunInput(choices: ComposerChoices): ComposerResult {
  const problem = composerProblem(choices);
  if (problem) return { ok: false, problem };
  const { mode, task } = choices;
  // "default" is the server's default: leave it out rather than send it.
  const cache = choices.cacheMode === "default" ? {} : { cache: { mode: choices.cacheMode } };
  if (mode === "dag") {
    const deps = dagDependencies(choices);
    const steps = choices.agents.map((a) => {
      const key = stepKeyOf(choices, a);
      const input = choices.inputs?.[a.id]?.trim() ? choices.inputs[a.id] : undefined;
      return { key, agent: a.id, dependsOn: deps[key] ?? [], ...(input ? { input } : {}) };
    });
    return { ok: true, input: { mode, task, steps, ...cache } };
  }
  return { ok: true, input: { mode, task, agents: choices.agents.map((a) => a.id), ...cache } };
}
