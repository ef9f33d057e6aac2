import "server-only";
import { seedStarterAgents } from "@/lib/agents/agents";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { decoyHash, hashPassword, verifyPassword } from "./password";
import type { Role } from "./roles";
import { hashToken, randomToken } from "./tokens";

export interface SignUpInput {
  email: string;
  name: string;
  password: string;
  /** Name of the team to create; ignored when joining by invite. */
  teamName?: string;
  /** An invite token: join that team with the invite's role instead of creating one. */
  invite?: string;
}

export interface AccountSummary {
  user: { id: string; email: string; name: string };
  team: { id: string; name: string };
  role: Role;
}

const INVITE_TTL_MS = 7 * 24 * 3600 * 1000;

/**
 * Creates a user. Without an invite, the user gets a new team and owns it; with one, they join
 * the inviting team with the invite's role and the invite is used up.
 */
export async function signUp(prisma: PrismaClient, input: SignUpInput): Promise<AccountSummary> {
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  return prisma.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email } })) {
      throw new AppError("conflict", "an account with this email already exists", {
        field: "email",
      });
    }
    const user = await tx.user.create({ data: { email, name: input.name.trim(), passwordHash } });

    if (input.invite) {
      const invite = await tx.invite.findUnique({ where: { tokenHash: hashToken(input.invite) } });
      if (!invite || invite.acceptedAt || invite.expiresAt.getTime() < Date.now()) {
        throw new AppError("validation_failed", "this invite link is invalid or has expired", {
          field: "invite",
        });
      }
      await tx.invite.update({ where: { id: invite.id }, data: { acceptedAt: new Date() } });
      await tx.membership.create({
        data: { teamId: invite.teamId, userId: user.id, role: invite.role },
      });
      const team = await tx.team.findUniqueOrThrow({ where: { id: invite.teamId } });
      return { user: pick(user), team: { id: team.id, name: team.name }, role: invite.role };
    }

    const team = await tx.team.create({
      data: { name: input.teamName?.trim() || `${input.name.trim()}'s team` },
    });
    await tx.membership.create({ data: { teamId: team.id, userId: user.id, role: "owner" } });
    await seedStarterAgents(tx, team.id);
    return { user: pick(user), team: { id: team.id, name: team.name }, role: "owner" as const };
  });
}

/** Checks a password; the same work is done whether or not the email exists. */
export async function signIn(
  prisma: PrismaClient,
  { email, password }: { email: string; password: string },
): Promise<AccountSummary> {
  const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !ok) throw new AppError("unauthorized", "wrong email or password");
  const membership = await prisma.membership.findFirst({
    where: { userId: user.id },
    orderBy: { createdAt: "asc" },
    include: { team: true },
  });
  if (!membership) throw new AppError("unauthorized", "this account belongs to no team");
  return {
    user: pick(user),
    team: { id: membership.team.id, name: membership.team.name },
    role: membership.role,
  };
}

export async function getAccount(
  prisma: PrismaClient,
  { userId, teamId }: { userId: string; teamId: string },
): Promise<AccountSummary> {
  const membership = await prisma.membership.findUnique({
    where: { teamId_userId: { teamId, userId } },
    include: { team: true, user: true },
  });
  if (!membership) throw new AppError("unauthorized", "not a member of this team");
  return {
    user: pick(membership.user),
    team: { id: membership.team.id, name: membership.team.name },
    role: membership.role,
  };
}

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

/** Owners change roles and remove members; a team never loses its last owner. */
export async function updateMember(
  prisma: PrismaClient,
  { teamId, membershipId, role }: { teamId: string; membershipId: string; role: Role | null },
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const member = await tx.membership.findFirst({ where: { id: membershipId, teamId } });
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
  });
}

function pick(user: { id: string; email: string; name: string }) {
  return { id: user.id, email: user.email, name: user.name };
}
