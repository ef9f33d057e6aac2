import { createAgent, createAgentSchema, listAgents, toAgentView } from "@/lib/agents";
import { audited, auditContext } from "@/lib/audit";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route({ role: "member" }, async ({ principal, prisma }) =>
  Response.json({ agents: (await listAgents(prisma, principal.teamId)).map(toAgentView) }),
);

export const POST = route({ role: "admin" }, async ({ request, principal, prisma }) => {
  const input = await parseJsonBody(request, createAgentSchema);
  const agent = await audited(
    prisma,
    auditContext(request, principal),
    (tx) => createAgent(tx, principal.teamId, input),
    // The model and sampling settings; never the system prompt.
    (a) => ({
      action: "agent.create",
      target: { kind: "agent", id: a.id, label: a.name },
      details: { model: a.model, temperature: a.temperature, maxTokens: a.maxTokens },
    }),
  );
  return Response.json({ agent: toAgentView(agent) }, { status: 201 });
});
