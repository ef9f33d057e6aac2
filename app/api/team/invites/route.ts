import { audited, auditContext } from "@/lib/audit";
import { createInvite, listInvites } from "@/lib/auth";
import { createInviteSchema } from "@/lib/auth/schemas";
import { requestOrigin } from "@/lib/http/client-address";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route({ role: "owner" }, async ({ principal, prisma }) =>
  Response.json({ invites: await listInvites(prisma, principal.teamId) }),
);

export const POST = route({ role: "owner" }, async ({ request, principal, prisma }) => {
  const { role } = await parseJsonBody(request, createInviteSchema);
  const invite = await audited(
    prisma,
    auditContext(request, principal),
    (tx) =>
      createInvite(tx, {
        teamId: principal.teamId,
        role,
        createdById: principal.kind === "user" ? principal.userId : undefined,
      }),
    // Never the token: it is the invite itself.
    ({ id, expiresAt }) => ({
      action: "invite.create",
      target: { kind: "invite", id, label: `${role} invite` },
      details: { role, expiresAt: expiresAt.toISOString() },
    }),
  );
  // Built from the trusted host and protocol, not whatever X-Forwarded-Host the caller sent.
  const url = new URL(
    `/sign-up?invite=${encodeURIComponent(invite.token)}`,
    requestOrigin(request),
  ).toString();
  return Response.json({ invite: { ...invite, url } }, { status: 201 });
});
