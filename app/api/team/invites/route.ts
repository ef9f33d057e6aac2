import { createInvite, listInvites } from "@/lib/auth";
import { createInviteSchema } from "@/lib/auth/schemas";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route({ role: "owner" }, async ({ principal, prisma }) =>
  Response.json({ invites: await listInvites(prisma, principal.teamId) }),
);

export const POST = route({ role: "owner" }, async ({ request, principal, prisma }) => {
  const { role } = await parseJsonBody(request, createInviteSchema);
  const invite = await createInvite(prisma, {
    teamId: principal.teamId,
    role,
    createdById: principal.kind === "user" ? principal.userId : undefined,
  });
  const url = new URL(
    `/sign-up?invite=${encodeURIComponent(invite.token)}`,
    request.url,
  ).toString();
  return Response.json({ invite: { ...invite, url } }, { status: 201 });
});
