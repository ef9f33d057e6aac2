import "server-only";
import type { PrismaClient } from "@/lib/db";
import { Prisma } from "@/lib/db/generated/client";
import { AppError } from "@/lib/errors";
import { type Role, hasRole } from "@/lib/auth";
import { type CreateTemplateInput, MAX_TEMPLATES_PER_TEAM } from "./template-schema";
import type { TemplateStep, TemplateView } from "./template-view";

const select = {
  id: true,
  name: true,
  mode: true,
  task: true,
  cacheMode: true,
  steps: true,
  createdAt: true,
  createdBy: { select: { id: true, name: true } },
} as const;

type TemplateRow = Prisma.RunTemplateGetPayload<{ select: typeof select }>;

/** The stored steps, read defensively: a row is JSON, not a type the database enforces. */
function readSteps(value: Prisma.JsonValue): TemplateStep[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((raw) => {
    const s = raw as Partial<Record<keyof TemplateStep, unknown>> | null;
    if (!s || typeof s.key !== "string" || typeof s.agentId !== "string") return [];
    return [
      {
        key: s.key,
        agentId: s.agentId,
        agentName: typeof s.agentName === "string" ? s.agentName : s.agentId,
        dependsOn: Array.isArray(s.dependsOn)
          ? s.dependsOn.filter((d): d is string => typeof d === "string")
          : [],
        input: typeof s.input === "string" ? s.input : null,
      },
    ];
  });
}

function toTemplateView(row: TemplateRow, liveAgentIds: ReadonlySet<string>): TemplateView {
  const steps = readSteps(row.steps);
  const missing = steps.filter((s) => !liveAgentIds.has(s.agentId)).map((s) => s.agentName);
  return {
    id: row.id,
    name: row.name,
    mode: row.mode,
    task: row.task,
    cacheMode: (["bypass", "refresh"].includes(row.cacheMode)
      ? row.cacheMode
      : "default") as TemplateView["cacheMode"],
    steps,
    missingAgents: [...new Set(missing)],
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

async function teamAgentIds(prisma: PrismaClient, teamId: string): Promise<Set<string>> {
  const agents = await prisma.agent.findMany({ where: { teamId }, select: { id: true } });
  return new Set(agents.map((a) => a.id));
}

/** The team's templates by name, each saying which of its agents were deleted since. */
export async function listTemplates(
  prisma: PrismaClient,
  { teamId }: { teamId: string },
): Promise<TemplateView[]> {
  const [rows, live] = await Promise.all([
    prisma.runTemplate.findMany({
      where: { teamId },
      select,
      orderBy: [{ name: "asc" }],
      take: MAX_TEMPLATES_PER_TEAM,
    }),
    teamAgentIds(prisma, teamId),
  ]);
  return rows.map((row) => toTemplateView(row, live));
}

export async function getTemplateOrThrow(
  prisma: PrismaClient,
  { teamId, id }: { teamId: string; id: string },
): Promise<TemplateView> {
  const row = await prisma.runTemplate.findFirst({ where: { teamId, id }, select });
  if (!row) throw new AppError("not_found", "no such template");
  return toTemplateView(row, await teamAgentIds(prisma, teamId));
}

/**
 * Saves the composer's setup under a name unique in the team. Every agent must be one of the
 * team's (another team's id is refused like an unknown one); its name is recorded beside its id.
 */
export async function createTemplate(
  prisma: PrismaClient,
  { teamId, userId, input }: { teamId: string; userId?: string; input: CreateTemplateInput },
): Promise<TemplateView> {
  const ids = [...new Set(input.steps.map((s) => s.agent))];
  const agents = await prisma.agent.findMany({
    where: { teamId, id: { in: ids } },
    select: { id: true, name: true },
  });
  const nameOf = new Map(agents.map((a) => [a.id, a.name] as const));
  const unknown = input.steps.findIndex((s) => !nameOf.has(s.agent));
  if (unknown >= 0) {
    throw new AppError("validation_failed", `steps.${unknown}.agent: no such agent in this team`, {
      field: `steps.${unknown}.agent`,
    });
  }
  if ((await prisma.runTemplate.count({ where: { teamId } })) >= MAX_TEMPLATES_PER_TEAM) {
    throw new AppError(
      "conflict",
      `the team already has ${MAX_TEMPLATES_PER_TEAM} templates: delete one first`,
    );
  }
  const dag = input.mode === "dag";
  const steps: TemplateStep[] = input.steps.map((s) => ({
    key: s.key,
    agentId: s.agent,
    agentName: nameOf.get(s.agent)!,
    dependsOn: dag ? s.dependsOn : [],
    input: dag && s.input?.trim() ? s.input : null,
  }));
  try {
    const row = await prisma.runTemplate.create({
      data: {
        teamId,
        createdById: userId ?? null,
        name: input.name,
        mode: input.mode,
        task: input.task,
        cacheMode: input.cacheMode,
        steps: steps as unknown as Prisma.InputJsonValue,
      },
      select,
    });
    return toTemplateView(row, new Set(ids));
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("conflict", `a template named "${input.name}" already exists`, {
        field: "name",
      });
    }
    throw error;
  }
}

/**
 * Deletes a template of the team. Whoever saved it may; so may admins and owners (they tidy the
 * team's list, as they manage its agents). Another member's template is refused.
 */
export async function deleteTemplate(
  prisma: PrismaClient,
  { teamId, id, actor }: { teamId: string; id: string; actor: { role: Role; userId?: string } },
): Promise<{ id: string; name: string }> {
  const row = await prisma.runTemplate.findFirst({
    where: { teamId, id },
    select: { id: true, name: true, createdById: true },
  });
  if (!row) throw new AppError("not_found", "no such template");
  const own = actor.userId !== undefined && row.createdById === actor.userId;
  if (!own && !hasRole(actor.role, "admin")) {
    throw new AppError("forbidden", "only whoever saved this template, or an admin, may delete it");
  }
  await prisma.runTemplate.delete({ where: { id: row.id } });
  return { id: row.id, name: row.name };
}
