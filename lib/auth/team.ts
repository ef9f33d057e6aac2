import "server-only";
import type { AuditHook } from "@/lib/audit";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { pick } from "./accounts";
import type { Role } from "./roles";
import { hashToken, randomToken } from "./tokens";

const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

export async function createInvite(
  prisma: PrismaClient,
  { teamId, role, createdById }: { teamId: string; role: Role; createdById?: string },
): Promise<{ token: string; expiresAt: Date; id: string }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
  const invite = await prisma.invite.create({
    data: { teamId, role, createdById, tokenHash: hashToken(token), expiresAt },
  });
  return { token, expiresAt, id: invite.id };
}

export async function listInvites(prisma: PrismaClient, teamId: string) {
  return prisma.invite.findMany({
    where: { teamId, acceptedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true, role: true, createdAt: true, expiresAt: true },
    orderBy: { createdAt: "desc" },
  });
}

export async function revokeInvite(
  prisma: PrismaClient,
  { teamId, id }: { teamId: string; id: string },
) {
  const { count } = await prisma.invite.deleteMany({ where: { id, teamId, acceptedAt: null } });
  if (count === 0) throw new AppError("not_found", "no such invite");
}

export async function listMembers(prisma: PrismaClient, teamId: string) {
  const rows = await prisma.membership.findMany({
    where: { teamId },
    include: { user: true },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((m) => ({ id: m.id, role: m.role, joinedAt: m.createdAt, user: pick(m.user) }));
}

export interface MemberChange {
  membershipId: string;
  userId: string;
  email: string;
  from: Role;
  /** null: removed from the team. */
  to: Role | null;
}

/**
 * Owners change roles and remove members; a team never loses its last owner. `audit` records
 * the change in the same transaction.
 */
export async function updateMember(
  prisma: PrismaClient,
  { teamId, membershipId, role }: { teamId: string; membershipId: string; role: Role | null },
  audit?: AuditHook<MemberChange>,
): Promise<MemberChange> {
  return prisma.$transaction(async (tx) => {
    // One membership change per team at a time: the team row is locked for the transaction, so
    // two owners demoting each other are serialised and the second sees the first's result
    // (each statement reads afresh under READ COMMITTED) instead of both counting two owners.
    await tx.$queryRaw`SELECT id FROM "Team" WHERE id = ${teamId} FOR UPDATE`;
    const member = await tx.membership.findFirst({
      where: { id: membershipId, teamId },
      include: { user: { select: { email: true } } },
    });
    if (!member) throw new AppError("not_found", "no such member");
    if (member.role === "owner" && role !== "owner") {
      const owners = await tx.membership.count({ where: { teamId, role: "owner" } });
      if (owners <= 1)
        throw new AppError("conflict", "a team needs at least one owner", { field: "role" });
    }
    if (role === null) {
      await tx.membership.delete({ where: { id: member.id } });
      await tx.session.deleteMany({ where: { userId: member.userId, teamId } });
    } else {
      await tx.membership.update({ where: { id: member.id }, data: { role } });
    }
    const change = {
      membershipId: member.id,
      userId: member.userId,
      email: member.user.email,
      from: member.role,
      to: role,
    };
    await audit?.(tx as unknown as PrismaClient, change);
    return change;
  });
}
