import { audited, auditContext } from "@/lib/audit";
import { revokeInvite } from "@/lib/auth";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";

export const DELETE = route<{ id: string }>(
  { role: "owner" },
  async ({ request, params, principal, prisma }) => {
    await audited(
      prisma,
      auditContext(request, principal),
      (tx) => revokeInvite(tx, { teamId: principal.teamId, id: params.id }),
      () => ({ action: "invite.revoke", target: { kind: "invite", id: params.id } }),
    );
    return new Response(null, { status: 204 });
  },
);
