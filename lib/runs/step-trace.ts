import "server-only";
import type { PrismaClient } from "@/lib/db";
import { type CompiledStep, stepContent, stepRequest } from "@/lib/orchestrator";
import { readAgentSnapshot } from "./agent-snapshot";
import { cacheReason } from "./cache-reason";
import { getRunRowOrThrow } from "./queries";
import type { StepTrace } from "./run-view";

/**
 * Rebuilds the exact input of each step from what the run stored (its task, each step's
 * instructions and its dependencies' answers), with the function the orchestrator used. A step
 * whose dependency never answered never ran: its content is what it would have received, so far.
 */
export async function getRunTrace(
  prisma: PrismaClient,
  where: { teamId: string; id: string },
): Promise<{ steps: StepTrace[] }> {
  const run = await getRunRowOrThrow(prisma, where);
  const outputs = new Map(
    run.steps
      .filter((s) => s.status === "succeeded")
      .map((s) => [s.key, { agentName: s.agentName, output: s.output }] as const),
  );
  const steps = [...run.steps].sort((a, b) => a.position - b.position);
  return {
    steps: steps.map((step) => {
      const agent = readAgentSnapshot(step.agentSnapshot);
      const compiled: CompiledStep = {
        key: step.key,
        agent,
        dependsOn: step.dependsOn.filter((d) => outputs.has(d)),
        ...(step.input === null ? {} : { input: step.input }),
      };
      const content = stepContent(run.task, compiled, outputs);
      return {
        key: step.key,
        model: agent.model,
        system: agent.system,
        content,
        // What was sent, as the step's request has it: none on models that take no temperature.
        temperature: stepRequest(content, compiled).temperature ?? null,
        maxTokens: agent.maxTokens,
        cacheReason: cacheReason(step.cacheStatus, agent),
      };
    }),
  };
}
