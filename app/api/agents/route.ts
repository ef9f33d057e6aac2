import { createAgent, createAgentSchema, listAgents, toAgentView } from "@/lib/agents";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route({ role: "member" }, async ({ principal, prisma }) =>
  Response.json({ agents: (await listAgents(prisma, principal.teamId)).map(toAgentView) }),
);

export const POST = route({ role: "admin" }, async ({ request, principal, prisma }) => {
  const input = await parseJsonBody(request, createAgentSchema);
  const agent = await createAgent(prisma, principal.teamId, input);
  return Response.json({ agent: toAgentView(agent) }, { status: 201 });
});
