import { AppError } from "@/lib/errors";

/** An agent as the run saw it: a plain snapshot, so later edits to the agent do not touch the run. */
export interface AgentSnapshot {
  /** The stored agent's id, for cache statistics; absent for ad-hoc agents. */
  id?: string;
  name: string;
  model: string;
  system: string;
  /** Sent as `temperature`; also part of the cache key. */
  temperature: number;
  maxTokens: number;
  /**
   * Models tried in order, with the same request, when the one called is overloaded (529) or its
   * circuit is open. Absent or empty: the step waits and retries on `model` alone.
   */
  fallbackModels?: string[];
  cache?: {
    /** false: never read or write the cache for this agent. @default true */
    enabled?: boolean;
    /** Overrides the cache entry's time to live. */
    ttlSeconds?: number;
  };
}

/** Every agent gets the task, all at once. */
export interface ParallelPlan {
  mode: "parallel";
  task: string;
  agents: AgentSnapshot[];
}

/** Agents in sequence: each gets the task plus the previous agent's answer. */
export interface ChainPlan {
  mode: "chain";
  task: string;
  agents: AgentSnapshot[];
}

/** One step of a DAG plan. */
export interface DagStep {
  key: string;
  agent: AgentSnapshot;
  /** Keys of the steps whose answers this step needs; it starts when all of them succeed. */
  dependsOn: string[];
  /** Step-specific instructions, given after the task. */
  input?: string;
}

/** Steps with explicit dependencies: each gets the task plus its dependencies' answers. */
export interface DagPlan {
  mode: "dag";
  task: string;
  steps: DagStep[];
}

export type Plan = ParallelPlan | ChainPlan | DagPlan;

/** A validated step, in an order where every dependency comes before its dependents. */
export interface CompiledStep {
  key: string;
  agent: AgentSnapshot;
  dependsOn: string[];
  input?: string;
}

export interface CompiledPlan {
  task: string;
  steps: CompiledStep[];
}

/**
 * Turns any plan into validated steps in topological order. Parallel and chain steps are keyed
 * "step-1", "step-2", … in the order of `agents`.
 * @throws AppError("validation_failed") naming the offending field.
 */
export function compilePlan(plan: Plan): CompiledPlan {
  switch (plan.mode) {
    case "parallel":
      requireAgents(plan.agents);
      return {
        task: plan.task,
        steps: plan.agents.map((agent, i) => ({ key: stepKey(i), agent, dependsOn: [] })),
      };
    case "chain":
      requireAgents(plan.agents);
      return {
        task: plan.task,
        steps: plan.agents.map((agent, i) => ({
          key: stepKey(i),
          agent,
          dependsOn: i === 0 ? [] : [stepKey(i - 1)],
        })),
      };
    case "dag":
      return { task: plan.task, steps: orderDag(plan.steps) };
  }
}

const stepKey = (index: number) => `step-${index + 1}`;

function requireAgents(agents: readonly AgentSnapshot[]): void {
  if (agents.length === 0) {
    throw new AppError("validation_failed", "A plan needs at least one agent.", {
      field: "agents",
    });
  }
}

function orderDag(steps: readonly DagStep[]): CompiledStep[] {
  if (steps.length === 0) {
    throw new AppError("validation_failed", "A plan needs at least one step.", { field: "steps" });
  }
  const byKey = new Map<string, DagStep>();
  steps.forEach((step, i) => {
    if (step.key.trim() === "") {
      throw new AppError("validation_failed", "A step key cannot be empty.", {
        field: `steps.${i}.key`,
      });
    }
    if (byKey.has(step.key)) {
      throw new AppError("validation_failed", `Duplicate step key "${step.key}".`, {
        field: `steps.${i}.key`,
        details: { key: step.key },
      });
    }
    byKey.set(step.key, step);
  });
  steps.forEach((step, i) => {
    step.dependsOn.forEach((dependency, j) => {
      if (!byKey.has(dependency)) {
        throw new AppError(
          "validation_failed",
          `Step "${step.key}" depends on unknown step "${dependency}".`,
          { field: `steps.${i}.dependsOn.${j}`, details: { key: step.key, dependency } },
        );
      }
    });
  });

  // Depth-first topological sort; a grey node met again closes a cycle, reported in full.
  const colour = new Map<string, "grey" | "black">();
  const ordered: CompiledStep[] = [];
  const path: string[] = [];
  const visit = (step: DagStep): void => {
    const seen = colour.get(step.key);
    if (seen === "black") return;
    if (seen === "grey") {
      const cycle = [...path.slice(path.indexOf(step.key)), step.key];
      throw new AppError("validation_failed", `Steps form a cycle: ${cycle.join(" → ")}.`, {
        field: "steps",
        details: { cycle },
      });
    }
    colour.set(step.key, "grey");
    path.push(step.key);
    for (const dependency of step.dependsOn) visit(byKey.get(dependency) as DagStep);
    path.pop();
    colour.set(step.key, "black");
    ordered.push({
      key: step.key,
      agent: step.agent,
      // Duplicates in dependsOn would label the same answer twice in the prompt.
      dependsOn: [...new Set(step.dependsOn)],
      ...(step.input === undefined ? {} : { input: step.input }),
    });
  };
  for (const step of steps) visit(step);
  return ordered;
}
