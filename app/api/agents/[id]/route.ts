import {
  deleteAgent,
  getAgentOrThrow,
  toAgentView,
  updateAgent,
  updateAgentSchema,
} from "@/lib/agents";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>(
  { role: "member" },
  async ({ params, principal, prisma }) =>
    Response.json({
      agent: toAgentView(
        await getAgentOrThrow(prisma, { teamId: principal.teamId, id: params.id }),
      ),
    }),
);

export const PATCH = route<{ id: string }>(
  { role: "admin" },
  async ({ request, params, principal, prisma }) => {
    const patch = await parseJsonBody(request, updateAgentSchema);
    const agent = await updateAgent(prisma, { teamId: principal.teamId, id: params.id }, patch);
    return Response.json({ agent: toAgentView(agent) });
  },
);

export const DELETE = route<{ id: string }>(
  { role: "admin" },
  async ({ params, principal, prisma }) => {
    await deleteAgent(prisma, { teamId: principal.teamId, id: params.id });
    return new Response(null, { status: 204 });
  },
);
