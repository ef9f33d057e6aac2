import { route } from "@/lib/http/route";
import { getRunDetail } from "@/lib/runs";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(
  { role: "member" },
  async ({ params, principal, prisma }) =>
    Response.json({ run: await getRunDetail(prisma, { teamId: principal.teamId, id: params.id }) }),
);
