import "server-only";
import type { PrismaClient } from "@/lib/db";

/** Which of `runIds` a cancel was recorded for (Run.cancelRequestedAt), on any instance. */
export async function cancelRequestedRuns(
  prisma: PrismaClient,
  runIds: string[],
): Promise<string[]> {
  const runs = await prisma.run.findMany({
    where: { id: { in: runIds }, cancelRequestedAt: { not: null } },
    select: { id: true },
  });
  return runs.map((r) => r.id);
}
