import { route } from "@/lib/http/route";
import { getRunTrace } from "@/lib/runs";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** What each step of the run sent the model (system prompt and exact input), and its cache story. */
export const GET = route<{ id: string }>(
  { role: "member" },
  async ({ params, principal, prisma }) =>
    Response.json(await getRunTrace(prisma, { teamId: principal.teamId, id: params.id })),
);
