import {
  deleteAgent,
  getAgentOrThrow,
  toAgentView,
  updateAgent,
  updateAgentSchema,
} from "@/lib/agents";
import { audited, auditContext } from "@/lib/audit";
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
    const agent = await audited(
      prisma,
      auditContext(request, principal),
      (tx) => updateAgent(tx, { teamId: principal.teamId, id: params.id }, patch),
      // Which fields the edit set, not their values: one of them may be the system prompt.
      (a) => ({
        action: "agent.update",
        target: { kind: "agent", id: a.id, label: a.name },
        details: { fields: Object.keys(patch).sort() },
      }),
    );
    return Response.json({ agent: toAgentView(agent) });
  },
);

export const DELETE = route<{ id: string }>(
  { role: "admin" },
  async ({ request, params, principal, prisma }) => {
    await audited(
      prisma,
      auditContext(request, principal),
      (tx) => deleteAgent(tx, { teamId: principal.teamId, id: params.id }),
      (a) => ({ action: "agent.delete", target: { kind: "agent", id: a.id, label: a.name } }),
    );
    return new Response(null, { status: 204 });
  },
);
