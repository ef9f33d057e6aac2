import { updateMember } from "@/lib/auth";
import { updateMemberSchema } from "@/lib/auth/schemas";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";

export const PATCH = route<{ id: string }>(
  { role: "owner" },
  async ({ request, params, principal, prisma }) => {
    const { role } = await parseJsonBody(request, updateMemberSchema);
    await updateMember(prisma, { teamId: principal.teamId, membershipId: params.id, role });
    return Response.json({ ok: true });
  },
);

export const DELETE = route<{ id: string }>(
  { role: "owner" },
  async ({ params, principal, prisma }) => {
    await updateMember(prisma, { teamId: principal.teamId, membershipId: params.id, role: null });
    return new Response(null, { status: 204 });
  },
);
