import "server-only";
import type { AuditHook } from "@/lib/audit";
import type { PrismaClient } from "@/lib/db";
import { AppError, fromZodError } from "@/lib/errors";
import {
  type AgentFile,
  type CreateAgentInput,
  type UpdateAgentInput,
  createAgentSchema,
} from "./schema";
import { assertWithinOutputLimit } from "./output-limit";
import { STARTER_AGENTS } from "./starter-agents";

export async function listAgents(prisma: PrismaClient, teamId: string) {
  return prisma.agent.findMany({ where: { teamId }, orderBy: { name: "asc" } });
}

export async function getAgentOrThrow(
  prisma: PrismaClient,
  { teamId, id }: { teamId: string; id: string },
) {
  const agent = await prisma.agent.findFirst({ where: { id, teamId } });
  if (!agent) throw new AppError("not_found", "no such agent");
  return agent;
}

export async function createAgent(prisma: PrismaClient, teamId: string, input: CreateAgentInput) {
  assertModelsWithinOutputLimit(input);
  await assertNameFree(prisma, teamId, input.name);
  return prisma.agent.create({ data: { ...input, teamId } });
}

/** Applies a partial update, re-checking the merged agent (a new model may lower the token ceiling). */
export async function updateAgent(
  prisma: PrismaClient,
  { teamId, id }: { teamId: string; id: string },
  patch: UpdateAgentInput,
) {
  const current = await getAgentOrThrow(prisma, { teamId, id });
  const merged = createAgentSchema.safeParse({
    name: patch.name ?? current.name,
    model: patch.model ?? current.model,
    system: patch.system ?? current.system,
    temperature: patch.temperature ?? current.temperature,
    maxTokens: patch.maxTokens ?? current.maxTokens,
    cacheEnabled: patch.cacheEnabled === undefined ? current.cacheEnabled : patch.cacheEnabled,
    cacheTtlSeconds:
      patch.cacheTtlSeconds === undefined ? current.cacheTtlSeconds : patch.cacheTtlSeconds,
    fallbackModels: patch.fallbackModels ?? current.fallbackModels,
  });
  if (!merged.success) throw fromZodError(merged.error);
  assertModelsWithinOutputLimit(merged.data);
  if (merged.data.name !== current.name) await assertNameFree(prisma, teamId, merged.data.name);
  return prisma.agent.update({ where: { id: current.id }, data: merged.data });
}

/** Deletes an agent of the team; returns what named it (for the audit log). */
export async function deleteAgent(
  prisma: PrismaClient,
  { teamId, id }: { teamId: string; id: string },
): Promise<{ id: string; name: string }> {
  const agent = await prisma.agent.findFirst({
    where: { id, teamId },
    select: { id: true, name: true },
  });
  // deleteMany, not delete: a concurrent delete is a 404 here, not a Prisma P2025.
  const { count } = agent ? await prisma.agent.deleteMany({ where: { id, teamId } }) : { count: 0 };
  if (!agent || count === 0) throw new AppError("not_found", "no such agent");
  return agent;
}

/** The most agents one import file may hold: one transaction writes them all. */
export const MAX_IMPORT_AGENTS = 500;

export interface ImportResult {
  created: number;
  updated: number;
}

/**
 * Creates or updates agents by name from an export file, all or nothing; `audit` records the
 * import in the same transaction.
 */
export async function importAgents(
  prisma: PrismaClient,
  teamId: string,
  file: AgentFile,
  audit?: AuditHook<ImportResult & { names: string[] }>,
): Promise<ImportResult> {
  const entries = Object.entries(file.agents);
  if (entries.length > MAX_IMPORT_AGENTS) {
    throw new AppError(
      "payload_too_large",
      `agents: at most ${MAX_IMPORT_AGENTS} agents per import (this file has ${entries.length})`,
      { field: "agents", details: { max: MAX_IMPORT_AGENTS } },
    );
  }
  let created = 0;
  let updated = 0;
  await prisma.$transaction(
    async (tx) => {
      for (const [name, a] of entries) {
        const parsed = createAgentSchema.safeParse({
          name,
          model: a.model,
          system: a.system,
          temperature: a.temperature,
          maxTokens: a.max_tokens,
          cacheEnabled: a.cache?.enabled ?? null,
          cacheTtlSeconds: a.cache?.ttl_seconds ?? null,
          fallbackModels: a.fallback_models ?? [],
        });
        if (!parsed.success) {
          const error = fromZodError(parsed.error);
          throw new AppError("validation_failed", `agents.${name}: ${error.message}`, {
            field: `agents.${name}.${error.field ?? ""}`.replace(/\.$/, ""),
          });
        }
        assertWithinOutputLimit(a.model, a.max_tokens, `agents.${name}.max_tokens`);
        parsed.data.fallbackModels.forEach((model, i) =>
          assertWithinOutputLimit(model, a.max_tokens, `agents.${name}.fallback_models.${i}`),
        );
        const existing = await tx.agent.findUnique({ where: { teamId_name: { teamId, name } } });
        if (existing) {
          await tx.agent.update({ where: { id: existing.id }, data: parsed.data });
          updated++;
        } else {
          await tx.agent.create({ data: { ...parsed.data, teamId } });
          created++;
        }
      }
      const names = entries.map(([name]) => name);
      await audit?.(tx as unknown as PrismaClient, { created, updated, names });
      // Prisma's default of 5 s is too short for a full import on a busy machine.
    },
    { timeout: 60_000 },
  );
  return { created, updated };
}

export async function exportAgents(prisma: PrismaClient, teamId: string): Promise<AgentFile> {
  const agents = await listAgents(prisma, teamId);
  return {
    agents: Object.fromEntries(
      agents.map((a) => [
        a.name,
        {
          model: a.model,
          system: a.system,
          temperature: a.temperature,
          max_tokens: a.maxTokens,
          ...(a.fallbackModels.length > 0 ? { fallback_models: a.fallbackModels } : {}),
          ...(a.cacheEnabled !== null || a.cacheTtlSeconds !== null
            ? { cache: { enabled: a.cacheEnabled, ttl_seconds: a.cacheTtlSeconds } }
            : {}),
        },
      ]),
    ),
  };
}

/** Gives a new team the starter agents. */
export async function seedStarterAgents(prisma: Pick<PrismaClient, "agent">, teamId: string) {
  await prisma.agent.createMany({
    data: STARTER_AGENTS.map((a) => ({ ...a, teamId })),
    skipDuplicates: true,
  });
}

/** Every model the agent may call (its own, then its fallbacks) must allow its max_tokens. */
function assertModelsWithinOutputLimit(agent: {
  model: string;
  maxTokens: number;
  fallbackModels: string[];
}): void {
  assertWithinOutputLimit(agent.model, agent.maxTokens, "maxTokens");
  agent.fallbackModels.forEach((model, i) =>
    assertWithinOutputLimit(model, agent.maxTokens, `fallbackModels.${i}`),
  );
}

async function assertNameFree(prisma: PrismaClient, teamId: string, name: string) {
  if (await prisma.agent.findUnique({ where: { teamId_name: { teamId, name } } })) {
    throw new AppError("conflict", `an agent named ${name} already exists`, { field: "name" });
  }
}
