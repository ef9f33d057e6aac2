import "server-only";
import type { PrismaClient } from "@/lib/db";
import type { Plan } from "@/lib/orchestrator";
import { readAgentSnapshot } from "./agent-snapshot";
import { getRunRowOrThrow } from "./queries";
import type { RunRuntime } from "./runtime-types";
import { startPlannedRun } from "./start-run";

/**
 * Runs a stored run again with the very agents it ran with (their snapshots), so a re-run of a
 * deterministic run is answered from the cache, even if the agents were edited since.
 */
export async function rerunRun(args: {
  prisma: PrismaClient;
  runtime: RunRuntime;
  teamId: string;
  userId?: string;
  runId: string;
}): Promise<{ id: string }> {
  const original = await getRunRowOrThrow(args.prisma, { teamId: args.teamId, id: args.runId });
  const steps = [...original.steps].sort((a, b) => a.position - b.position);
  const agentOf = (s: (typeof steps)[number]) => readAgentSnapshot(s.agentSnapshot);
  const plan: Plan =
    original.mode === "dag"
      ? {
          mode: "dag",
          task: original.task,
          steps: steps.map((s) => ({
            key: s.key,
            agent: agentOf(s),
            dependsOn: s.dependsOn,
            input: s.input ?? undefined,
          })),
        }
      : { mode: original.mode, task: original.task, agents: steps.map(agentOf) };
  return startPlannedRun({ ...args, plan, rerunOfId: original.id });
}
