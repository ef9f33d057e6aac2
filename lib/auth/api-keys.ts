import "server-only";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { forgetApiKey } from "./api-key-cache";
import type { Role } from "./roles";
import { generateApiKey, hashToken } from "./tokens";

const PUBLIC_FIELDS = {
  id: true,
  name: true,
  prefix: true,
  role: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

/** Creates a key; the full key is returned this once and never stored. */
export async function createApiKey(
  prisma: PrismaClient,
  input: { teamId: string; name: string; role: Role; createdById?: string },
) {
  const { key, prefix } = generateApiKey();
  const record = await prisma.apiKey.create({
    data: { ...input, prefix, keyHash: hashToken(key) },
    select: PUBLIC_FIELDS,
  });
  return { key, apiKey: record };
}

export function listApiKeys(prisma: PrismaClient, teamId: string) {
  return prisma.apiKey.findMany({
    where: { teamId },
    select: PUBLIC_FIELDS,
    orderBy: { createdAt: "desc" },
  });
}

export async function revokeApiKey(
  prisma: PrismaClient,
  { teamId, id }: { teamId: string; id: string },
) {
  const { count } = await prisma.apiKey.updateMany({
    where: { id, teamId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw new AppError("not_found", "no such active API key");
  // This instance stops accepting it now; the route tells the other instances.
  forgetApiKey(id);
}
