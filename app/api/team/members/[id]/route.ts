import { type AuditContext, auditContext, auditHook } from "@/lib/audit";
import { type MemberChange, type Principal, forgetKeysOf, updateMember } from "@/lib/auth";
import { updateMemberSchema } from "@/lib/auth/schemas";
import type { PrismaClient } from "@/lib/db";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { getApiKeys } from "@/lib/runtime";

export const runtime = "nodejs";

/**
 * A member's keys are capped by their role (and refused once they leave): every instance drops
 * them from its lookup cache, and their open streams close, so the change applies at once.
 */
async function refreshKeysOf(prisma: PrismaClient, principal: Principal, userId: string) {
  const ids = await forgetKeysOf(prisma, { teamId: principal.teamId, userId });
  const keys = await getApiKeys();
  await Promise.all(ids.map((id) => keys.revoked(id)));
}

/** Recorded in the membership change's own transaction. */
const audit = (context: AuditContext) =>
  auditHook(context, (c: MemberChange) => ({
    action: c.to === null ? "member.remove" : "member.role-change",
    target: { kind: "member", id: c.membershipId, label: c.email },
    details: c.to === null ? { role: c.from } : { from: c.from, to: c.to },
  }));

export const PATCH = route<{ id: string }>(
  { role: "owner" },
  async ({ request, params, principal, prisma }) => {
    const { role } = await parseJsonBody(request, updateMemberSchema);
    const { userId } = await updateMember(
      prisma,
      { teamId: principal.teamId, membershipId: params.id, role },
      audit(auditContext(request, principal)),
    );
    await refreshKeysOf(prisma, principal, userId);
    return Response.json({ ok: true });
  },
);

export const DELETE = route<{ id: string }>(
  { role: "owner" },
  async ({ request, params, principal, prisma }) => {
    const { userId } = await updateMember(
      prisma,
      { teamId: principal.teamId, membershipId: params.id, role: null },
      audit(auditContext(request, principal)),
    );
    await refreshKeysOf(prisma, principal, userId);
    return new Response(null, { status: 204 });
  },
);
