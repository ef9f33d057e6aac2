import "server-only";
import type { Plan } from "@/lib/orchestrator";
import { readAgentSnapshot } from "./agent-snapshot";

/** The columns of a stored run its plan is rebuilt from. */
interface StoredRun {
  mode: "parallel" | "chain" | "dag";
  task: string;
  steps: ReadonlyArray<{
    key: string;
    position: number;
    agentSnapshot: unknown;
    dependsOn: string[];
    input: string | null;
  }>;
}

/**
 * A stored run's plan, with the very agents it ran with (their snapshots, not the agents as they
 * are now): what a re-run and a resumed run execute.
 */
export function storedPlan(run: StoredRun): Plan {
  const steps = [...run.steps].sort((a, b) => a.position - b.position);
  const agentOf = (s: (typeof steps)[number]) => readAgentSnapshot(s.agentSnapshot);
  return run.mode === "dag"
    ? {
        mode: "dag",
        task: run.task,
        steps: steps.map((s) => ({
          key: s.key,
          agent: agentOf(s),
          dependsOn: s.dependsOn,
          input: s.input ?? undefined,
        })),
      }
    : { mode: run.mode, task: run.task, agents: steps.map(agentOf) };
}
