import "server-only";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
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
  expiresAt: true,
} as const;

/** Creates a key; the full key is returned this once and never stored. */
export async function createApiKey(
  prisma: PrismaClient,
  input: { teamId: string; name: string; role: Role; createdById?: string; expiresAt?: Date },
) {
  const { key, prefix } = generateApiKey();
  const record = await prisma.apiKey.create({
    data: { ...input, prefix, keyHash: hashToken(key) },
    select: PUBLIC_FIELDS,
  });
  return { key, apiKey: record };
}

/**
 * The person a new key answers to: the signed-in user, or, for a key minted by a key, that key's
 * own creator, so every key's role stays capped by a person's current role.
 */
export async function keyCreatorOf(
  prisma: PrismaClient,
  principal: { kind: "user"; userId: string } | { kind: "api-key"; apiKeyId: string },
): Promise<string | undefined> {
  if (principal.kind === "user") return principal.userId;
  const parent = await prisma.apiKey.findUnique({
    where: { id: principal.apiKeyId },
    select: { createdById: true },
  });
  return parent?.createdById ?? undefined;
}

/**
 * A member's active keys, to drop from every lookup cache after their role changed or they left,
 * so the cap (or the refusal) applies on the keys' next request.
 */
export async function forgetKeysOf(
  prisma: PrismaClient,
  { teamId, userId }: { teamId: string; userId: string },
): Promise<string[]> {
  const keys = await prisma.apiKey.findMany({
    where: { teamId, createdById: userId, revokedAt: null },
    select: { id: true },
  });
  // The caller evicts them here and on every other instance (lib/runtime's ApiKeys.revoked).
  return keys.map((k) => k.id);
}

export function listApiKeys(prisma: PrismaClient, teamId: string) {
  return prisma.apiKey.findMany({
    where: { teamId },
    select: PUBLIC_FIELDS,
    orderBy: { createdAt: "desc" },
  });
}

/** Revokes an active key of the team; returns what names it (for the audit log). */
export async function revokeApiKey(
  prisma: PrismaClient,
  { teamId, id }: { teamId: string; id: string },
): Promise<{ id: string; name: string; prefix: string }> {
  const [key] = await prisma.apiKey.updateManyAndReturn({
    where: { id, teamId, revokedAt: null },
    data: { revokedAt: new Date() },
    select: { id: true, name: true, prefix: true },
  });
  if (!key) throw new AppError("not_found", "no such active API key");
  // The route then evicts it from the key cache of this instance and every other (lib/runtime).
  return key;
}
