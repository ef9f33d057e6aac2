import "server-only";
import type { PrismaClient } from "@/lib/db";
import { Prisma } from "@/lib/db/generated/client";

/** Whose spend a budget limits. */
export interface BudgetTarget {
  teamId: string;
  scope: "team" | "key" | "agent";
  targetId: string;
}

/**
 * What the team, key or agent spent in [from, to), from the recorded costs: the same rows GET
 * /api/spend adds up (succeeded run steps by their end, gateway and warming calls by their log
 * row). This is what the enforcing counter starts from, and what it can be rebuilt from.
 */
export async function recordedSpendUsd(
  prisma: PrismaClient,
  target: BudgetTarget,
  from: Date,
  to: Date,
): Promise<number> {
  const { teamId, scope, targetId } = target;
  const steps =
    scope === "key"
      ? Prisma.sql`0::float8`
      : Prisma.sql`(SELECT COALESCE(sum(s."costUsd"), 0)
           FROM "RunStep" s JOIN "Run" r ON r."id" = s."runId"
          WHERE r."teamId" = ${teamId} AND s."status" = 'succeeded'
            AND r."createdAt" < ${to}
            AND COALESCE(s."endedAt", r."createdAt") >= ${from}
            AND COALESCE(s."endedAt", r."createdAt") < ${to}
            ${scope === "agent" ? Prisma.sql`AND s."agentId" = ${targetId}` : Prisma.empty})`;
  const calls =
    scope === "agent"
      ? Prisma.sql`0::float8`
      : Prisma.sql`(SELECT COALESCE(sum(g."costUsd"), 0) FROM "GatewayRequest" g
          WHERE g."teamId" = ${teamId} AND g."createdAt" >= ${from} AND g."createdAt" < ${to}
            ${scope === "key" ? Prisma.sql`AND g."apiKeyId" = ${targetId}` : Prisma.empty})`;
  const rows = await prisma.$queryRaw<
    { usd: number | null }[]
  >`SELECT ${steps} + ${calls} AS "usd"`;
  return Number(rows[0]?.usd ?? 0);
}
