import { revokeInvite } from "@/lib/auth";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";

export const DELETE = route<{ id: string }>(
  { role: "owner" },
  async ({ params, principal, prisma }) => {
    await revokeInvite(prisma, { teamId: principal.teamId, id: params.id });
    return new Response(null, { status: 204 });
  },
);
