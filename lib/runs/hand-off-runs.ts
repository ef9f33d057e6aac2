import "server-only";
import type { PrismaClient } from "@/lib/db";
import { releaseLeases } from "./lease";
import type { RunRuntime } from "./runtime-types";

/**
 * Hands every run executing in this process back at once (shutdown): the process stops claiming
 * runs, its executions stop without ending their runs (no cancelled steps, no terminal status, no
 * end event for viewers), and their leases are released, so another process claims and resumes
 * them at its next pass instead of after the lease expires. Returns the ids it released.
 */
export async function handOffActiveRuns(args: {
  prisma: PrismaClient;
  runs: RunRuntime;
  /** How long the stopped executions may take to finish their last write. @default 5000 */
  settleMs?: number;
}): Promise<string[]> {
  const { prisma, runs } = args;
  runs.stopClaiming?.();
  const ids = runs.activeRuns.ids();
  if (ids.length === 0) return [];
  for (const id of ids) runs.activeRuns.handOff(id, "released");
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    runs.activeRuns.idle(),
    new Promise((resolve) => (timer = setTimeout(resolve, args.settleMs ?? 5_000))),
  ]).finally(() => clearTimeout(timer));
  await releaseLeases(prisma, { runIds: ids, instanceId: runs.instanceId });
  return ids;
}
