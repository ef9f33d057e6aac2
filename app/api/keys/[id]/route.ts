import { revokeApiKey } from "@/lib/auth";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";

export const DELETE = route<{ id: string }>({ role: "admin" }, async ({ params, principal, prisma }) => {
  await revokeApiKey(prisma, { teamId: principal.teamId, id: params.id });
  return new Response(null, { status: 204 });
});
