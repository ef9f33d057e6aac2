import "server-only";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { type Plan, type StopReason, compilePlan } from "@/lib/orchestrator";
import type { CacheControl } from "@/lib/llm/types";
import { snapshotAgent } from "./agent-snapshot";
import { executeRun } from "./execute-run";
import type { StartRunInput } from "./run-schema";
import type { RunRuntime } from "./runtime-types";

type AgentRow = Awaited<ReturnType<PrismaClient["agent"]["findMany"]>>[number];

/** Resolves agent references (ids or names) within the team, naming the field of any unknown one. */
async function resolveAgents(
  prisma: PrismaClient,
  teamId: string,
  refs: string[],
  field: (i: number) => string,
): Promise<AgentRow[]> {
  const rows = await prisma.agent.findMany({
    where: { teamId, OR: [{ id: { in: refs } }, { name: { in: refs } }] },
  });
  return refs.map((ref, i) => {
    const agent = rows.find((a) => a.id === ref) ?? rows.find((a) => a.name === ref);
    if (!agent)
      throw new AppError("validation_failed", `${field(i)}: no agent ${ref} in this team`, {
        field: field(i),
      });
    return agent;
  });
}

/**
 * Validates and persists a run with its steps, then starts executing it in this process. The
 * HTTP request returns at once; the run goes on if the browser goes away.
 */
export async function startRun(args: {
  prisma: PrismaClient;
  runtime: RunRuntime;
  teamId: string;
  userId?: string;
  input: StartRunInput;
}): Promise<{ id: string }> {
  const { prisma, teamId, input } = args;
  let plan: Plan;
  if (input.mode === "dag") {
    const steps = input.steps ?? [];
    const agents = await resolveAgents(
      prisma,
      teamId,
      steps.map((s) => s.agent),
      (i) => `steps.${i}.agent`,
    );
    plan = {
      mode: "dag",
      task: input.task,
      steps: steps.map((s, i) => ({
        key: s.key,
        agent: snapshotAgent(agents[i]!),
        dependsOn: s.dependsOn,
        input: s.input,
      })),
    };
  } else {
    const agents = await resolveAgents(prisma, teamId, input.agents ?? [], (i) => `agents.${i}`);
    plan = { mode: input.mode, task: input.task, agents: agents.map(snapshotAgent) };
  }
  return startPlannedRun({ ...args, plan, cacheControl: input.cache });
}

/** A step that succeeded in the run being retried: its answer is copied, the step not called. */
export interface CopiedStep {
  key: string;
  output: string;
  stopReason: string | null;
  answeredModel: string | null;
}

/**
 * The stored columns of a copied step: succeeded with the source's answer, and — since this run
 * did not call it — no attempts, times, tokens, cost or cache status of its own.
 */
const copiedColumns = (step: CopiedStep) => ({
  status: "succeeded" as const,
  copied: true,
  output: step.output,
  stopReason: step.stopReason,
  answeredModel: step.answeredModel,
});

/** Persists and starts a run from a ready plan (a new run, or a re-run of stored snapshots). */
export async function startPlannedRun(args: {
  prisma: PrismaClient;
  runtime: RunRuntime;
  teamId: string;
  userId?: string;
  plan: Plan;
  cacheControl?: CacheControl;
  rerunOfId?: string;
  /** Steps already done (a retry of failed steps): stored as succeeded and not called. */
  copied?: readonly CopiedStep[];
}): Promise<{ id: string }> {
  const { prisma, runtime, teamId, plan } = args;
  const compiled = compilePlan(plan); // throws validation_failed naming the field (cycles, unknown deps)
  // A re-run carries the snapshots of agents that may have been deleted since: the step keeps its
  // copy of the agent and links to the agent only while it exists.
  const ids = compiled.steps.flatMap((s) => (s.agent.id ? [s.agent.id] : []));
  const live = new Set(
    ids.length === 0
      ? []
      : (
          await prisma.agent.findMany({
            where: { teamId, id: { in: ids } },
            select: { id: true },
          })
        ).map((a) => a.id),
  );

  const copiedByKey = new Map((args.copied ?? []).map((s) => [s.key, s] as const));

  const run = await prisma.run.create({
    data: {
      teamId,
      createdById: args.userId,
      mode: plan.mode,
      task: plan.task,
      status: "queued",
      rerunOfId: args.rerunOfId,
      // Kept so a run resumed by another process calls its steps as it would have here.
      ...(args.cacheControl ? { cacheControl: { ...args.cacheControl } } : {}),
      ownerId: runtime.instanceId,
      heartbeatAt: new Date(),
      steps: {
        create: compiled.steps.map((step, position) => ({
          key: step.key,
          position,
          agentId: step.agent.id && live.has(step.agent.id) ? step.agent.id : null,
          agentName: step.agent.name,
          agentSnapshot: { ...step.agent },
          dependsOn: step.dependsOn,
          input: step.input,
          ...(copiedByKey.has(step.key) ? copiedColumns(copiedByKey.get(step.key)!) : {}),
        })),
      },
    },
    select: { id: true },
  });

  void executeRun({
    prisma,
    runtime,
    runId: run.id,
    teamId,
    plan: compiled,
    cacheControl: args.cacheControl,
    completed: new Map(
      [...copiedByKey.values()].map((s) => [
        s.key,
        {
          output: s.output,
          ...(s.stopReason ? { stopReason: s.stopReason as StopReason } : {}),
          ...(s.answeredModel ? { model: s.answeredModel } : {}),
        },
      ]),
    ),
  });
  return run;
}
