import "server-only";
import type { PrismaClient } from "@/lib/db";
import { emptyUsage } from "@/lib/llm/usage";
import { callCostUsd } from "@/lib/spend";
import { readAgentSnapshot } from "./agent-snapshot";
import type { RunEventLog } from "./event-log";

/** What an unfinished step had streamed; `model` when a fallback streamed it. */
interface Streamed {
  text: string;
  deltas: number;
  model?: string;
}

/**
 * The text each unfinished step of a run had streamed, read back from the run's event log (its
 * step-delta events). Steps that ended (step-end or step-error) are left out: their row has it.
 */
export async function streamedTextByStep(
  eventLog: RunEventLog,
  runId: string,
): Promise<Map<string, Streamed>> {
  const streamed = new Map<string, Streamed>();
  const switchedTo = new Map<string, string>();
  const ended = new Set<string>();
  for (const event of await eventLog.since(runId, 0)) {
    if (event.type === "step-end" || event.type === "step-error") ended.add(event.stepKey);
    if (event.type === "step-retry" && event.model) switchedTo.set(event.stepKey, event.model);
    if (event.type !== "step-delta") continue;
    const so = streamed.get(event.stepKey) ?? { text: "", deltas: 0 };
    streamed.set(event.stepKey, { text: so.text + event.text, deltas: so.deltas + 1 });
  }
  for (const key of ended) streamed.delete(key);
  for (const [key, model] of switchedTo) {
    const so = streamed.get(key);
    if (so) streamed.set(key, { ...so, model });
  }
  return streamed;
}

/**
 * Keeps what the steps of runs a dead server left behind had streamed (issue 13 #3): when the
 * event log still holds their deltas (Redis survives the process), each such step stores that
 * text, marked partial. Its final usage never came: the output count is the deltas seen (at
 * least that was billed), the input count unknown (0), the cost priced from those.
 */
export async function keepStreamedText(args: {
  prisma: PrismaClient;
  eventLog: RunEventLog;
  runIds: string[];
}): Promise<void> {
  for (const runId of args.runIds) {
    const streamed = await streamedTextByStep(args.eventLog, runId).catch(() => null);
    if (!streamed || streamed.size === 0) continue;
    const steps = await args.prisma.runStep.findMany({
      where: { runId, key: { in: [...streamed.keys()] }, partial: false, output: "" },
      select: { key: true, agentSnapshot: true },
    });
    let cost = 0;
    let outputTokens = 0;
    for (const step of steps) {
      const { text, deltas, model } = streamed.get(step.key)!;
      const usage = { ...emptyUsage(), outputTokens: deltas };
      const stepCost = callCostUsd(model ?? readAgentSnapshot(step.agentSnapshot).model, usage);
      await args.prisma.runStep.update({
        where: { runId_key: { runId, key: step.key } },
        data: { output: text, partial: true, outputTokens: deltas, costUsd: stepCost },
      });
      cost += stepCost;
      outputTokens += deltas;
    }
    if (steps.length === 0) continue;
    await args.prisma.run.update({
      where: { id: runId },
      data: { costUsd: { increment: cost }, outputTokens: { increment: outputTokens } },
    });
  }
}
