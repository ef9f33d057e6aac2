import "server-only";
import type { PrismaClient } from "@/lib/db";
import { Prisma } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import type { BudgetRule } from "./budget-rules";
import type { BudgetView } from "./budget-view";
import { recordedSpendUsd } from "./recorded-spend";
import type { CreateBudgetInput, UpdateBudgetInput } from "./schemas";
import { budgetWindow } from "./windows";

type BudgetRow = Awaited<ReturnType<PrismaClient["budget"]["findFirstOrThrow"]>>;

/** The team's budgets with what was spent in each one's current window (the recorded costs). */
export async function listBudgets(
  prisma: PrismaClient,
  teamId: string,
  timeZone: string,
): Promise<BudgetView[]> {
  const rows = await prisma.budget.findMany({ where: { teamId }, orderBy: { createdAt: "asc" } });
  const labels = await targetLabels(prisma, teamId, rows);
  const now = new Date();
  return Promise.all(
    rows.map(async (row) => {
      const rule = row as BudgetRule;
      const window = budgetWindow(rule.period, now, timeZone);
      const spentUsd = await recordedSpendUsd(prisma, rule, window.start, window.end);
      return toView(row, labels.get(row.targetId) ?? null, window, spentUsd);
    }),
  );
}

function toView(
  row: BudgetRow,
  label: string | null,
  window: { key: string; start: Date; end: Date },
  spentUsd: number,
): BudgetView {
  const state =
    spentUsd >= row.limitUsd
      ? "exceeded"
      : spentUsd >= (row.limitUsd * row.softLimitPercent) / 100
        ? "soft"
        : "ok";
  return {
    id: row.id,
    scope: row.scope as BudgetView["scope"],
    targetId: row.targetId,
    targetLabel: label,
    period: row.period as BudgetView["period"],
    limitUsd: row.limitUsd,
    softLimitPercent: row.softLimitPercent,
    window: { key: window.key, start: window.start.toISOString(), end: window.end.toISOString() },
    spentUsd,
    state,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function targetLabels(
  prisma: PrismaClient,
  teamId: string,
  rows: BudgetRow[],
): Promise<Map<string, string>> {
  const ids = rows.map((r) => r.targetId);
  const [team, keys, agents] = await Promise.all([
    prisma.team.findUnique({ where: { id: teamId }, select: { id: true, name: true } }),
    prisma.apiKey.findMany({
      where: { teamId, id: { in: ids } },
      select: { id: true, name: true },
    }),
    prisma.agent.findMany({ where: { teamId, id: { in: ids } }, select: { id: true, name: true } }),
  ]);
  const labels = new Map([...keys, ...agents].map((t) => [t.id, t.name]));
  if (team) labels.set(team.id, team.name);
  return labels;
}

/** The target a new budget limits: the team itself, or one of its (live) keys or agents. */
async function targetOf(tx: PrismaClient, teamId: string, input: CreateBudgetInput) {
  if (input.scope === "team") {
    if (input.targetId !== undefined && input.targetId !== teamId) {
      throw new AppError(
        "validation_failed",
        "targetId: omit it (or send your team's id) for a team budget",
        { field: "targetId" },
      );
    }
    return teamId;
  }
  if (input.targetId === undefined) {
    throw new AppError("validation_failed", `targetId: required for a ${input.scope} budget`, {
      field: "targetId",
    });
  }
  const where = { id: input.targetId, teamId };
  const found =
    input.scope === "key"
      ? await tx.apiKey.findFirst({ where: { ...where, revokedAt: null }, select: { id: true } })
      : await tx.agent.findFirst({ where, select: { id: true } });
  if (!found) {
    throw new AppError(
      "validation_failed",
      `targetId: no such ${input.scope === "key" ? "API key" : "agent"} in your team`,
      { field: "targetId" },
    );
  }
  return input.targetId;
}

export async function createBudget(
  tx: PrismaClient,
  teamId: string,
  input: CreateBudgetInput,
): Promise<BudgetRow> {
  const targetId = await targetOf(tx, teamId, input);
  try {
    return await tx.budget.create({
      data: {
        teamId,
        scope: input.scope,
        targetId,
        period: input.period,
        limitUsd: input.limitUsd,
        softLimitPercent: input.softLimitPercent,
      },
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError(
        "conflict",
        `a ${input.period} budget for this ${input.scope} exists already; PATCH it`,
        { field: "period" },
      );
    }
    throw error;
  }
}

export async function getBudgetOrThrow(tx: PrismaClient, teamId: string, id: string) {
  const found = await tx.budget.findFirst({ where: { id, teamId } });
  if (!found) throw new AppError("not_found", "no such budget");
  return found;
}

export async function updateBudget(
  tx: PrismaClient,
  teamId: string,
  id: string,
  patch: UpdateBudgetInput,
): Promise<{ before: BudgetRow; after: BudgetRow }> {
  const before = await getBudgetOrThrow(tx, teamId, id);
  const after = await tx.budget.update({ where: { id: before.id }, data: patch });
  return { before, after };
}

export async function deleteBudget(
  tx: PrismaClient,
  teamId: string,
  id: string,
): Promise<BudgetRow> {
  const found = await getBudgetOrThrow(tx, teamId, id);
  await tx.budget.delete({ where: { id: found.id } });
  return found;
}
