import "server-only";
import type { PrismaClient } from "@/lib/db";
import { auditOrigin, recordAudit } from "./record";

/**
 * Records a refused sign-in. When the email belongs to a user it goes to that user's team (the
 * one sign-in would have opened), so its owners see attempts on their members' accounts; an
 * unknown email belongs to no team and is shown to nobody (kept for operators and retention).
 * The attempted email is the actor's label; the password is never seen here.
 */
export async function recordFailedSignIn(
  prisma: PrismaClient,
  request: Request,
  email: string,
): Promise<void> {
  const normalized = email.trim().toLowerCase();
  const user = await prisma.user.findUnique({
    where: { email: normalized },
    select: {
      id: true,
      memberships: { select: { teamId: true }, orderBy: { createdAt: "asc" }, take: 1 },
    },
  });
  const teamId = user?.memberships[0]?.teamId ?? null;
  await recordAudit(
    prisma,
    { ...auditOrigin(request), teamId, actor: { kind: "anonymous", id: null, label: normalized } },
    {
      action: "auth.sign-in-failed",
      target: user ? { kind: "user", id: user.id, label: normalized } : undefined,
      details: { reason: user ? "wrong-password" : "unknown-email" },
    },
  );
}
