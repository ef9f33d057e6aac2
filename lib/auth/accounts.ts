import "server-only";
import { seedStarterAgents } from "@/lib/agents/agents";
import type { AuditHook } from "@/lib/audit";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { decoyHash, hashPassword, needsRehash, verifyPassword } from "./password";
import { assertStrongPassword } from "./password-policy";
import type { Role } from "./roles";
import { hashToken } from "./tokens";

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

/**
 * Creates a user. Without an invite, the user gets a new team and owns it; with one, they join
 * the inviting team with the invite's role and the invite is used up. With `inviteOnly`, only
 * the instance's first account may sign up without one. `audit` records it in the same
 * transaction.
 *
 * What it tells a caller about other accounts: with an invite required, nothing (refused before
 * any lookup); a bad invite is refused before the email is looked at; only a good invite or open
 * sign-up reaches the "email taken" conflict, which the route counts as a failed authentication.
 */
export async function signUp(
  prisma: PrismaClient,
  input: SignUpInput,
  options: {
    inviteOnly?: boolean;
    audit?: AuditHook<AccountSummary & { inviteId: string | null }>;
  } = {},
): Promise<AccountSummary> {
  const email = input.email.trim().toLowerCase();
  assertStrongPassword(input.password, { email, name: input.name });
  const passwordHash = await hashPassword(input.password);
  return prisma.$transaction(async (tx) => {
    if (!input.invite && options.inviteOnly && (await tx.user.count({ take: 1 })) > 0) {
      throw new AppError("forbidden", "sign-up here is by invite only: ask a team owner for one");
    }
    const invite = input.invite ? await useInvite(tx, input.invite) : null;
    if (await tx.user.findUnique({ where: { email } })) {
      throw new AppError("conflict", "an account with this email already exists", {
        field: "email",
      });
    }
    const user = await tx.user.create({ data: { email, name: input.name.trim(), passwordHash } });

    if (invite) {
      await tx.membership.create({
        data: { teamId: invite.teamId, userId: user.id, role: invite.role },
      });
      const team = await tx.team.findUniqueOrThrow({ where: { id: invite.teamId } });
      const joined = {
        user: pick(user),
        team: { id: team.id, name: team.name },
        role: invite.role,
      };
      await options.audit?.(tx as unknown as PrismaClient, { ...joined, inviteId: invite.id });
      return joined;
    }

    const team = await tx.team.create({
      data: { name: input.teamName?.trim() || `${input.name.trim()}'s team` },
    });
    await tx.membership.create({ data: { teamId: team.id, userId: user.id, role: "owner" } });
    await seedStarterAgents(tx, team.id);
    const created = {
      user: pick(user),
      team: { id: team.id, name: team.name },
      role: "owner" as const,
    };
    await options.audit?.(tx as unknown as PrismaClient, { ...created, inviteId: null });
    return created;
  });
}

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** Uses up a valid invite (rolled back with the sign-up if that fails), or refuses it. */
async function useInvite(tx: Tx, token: string) {
  const now = new Date();
  const tokenHash = hashToken(token);
  // Used up by a conditional update: of concurrent sign-ups with one invite, the database lets
  // exactly one change acceptedAt from null (the others wait on the row, then match nothing).
  const { count } = await tx.invite.updateMany({
    where: { tokenHash, acceptedAt: null, expiresAt: { gt: now } },
    data: { acceptedAt: now },
  });
  const invite = count === 1 ? await tx.invite.findUnique({ where: { tokenHash } }) : null;
  if (!invite) {
    throw new AppError("validation_failed", "this invite link is invalid or has expired", {
      field: "invite",
    });
  }
  return invite;
}

/** Checks a password; the same work is done whether or not the email exists. */
export async function signIn(
  prisma: PrismaClient,
  { email, password }: { email: string; password: string },
): Promise<AccountSummary> {
  const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !ok) throw new AppError("unauthorized", "wrong email or password");
  if (needsRehash(user.passwordHash)) {
    // The only moment the password is at hand: bring an old hash up to today's cost. Best
    // effort; a failure leaves the old hash, which still verifies.
    await hashPassword(password)
      .then((passwordHash) =>
        prisma.user.updateMany({
          where: { id: user.id, passwordHash: user.passwordHash },
          data: { passwordHash },
        }),
      )
      .catch(() => {});
  }
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

export function pick(user: { id: string; email: string; name: string }) {
  return { id: user.id, email: user.email, name: user.name };
}
