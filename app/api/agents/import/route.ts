import { agentFileSchema, importAgents } from "@/lib/agents";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";

export const POST = route({ role: "admin" }, async ({ request, principal, prisma }) => {
  const file = await parseJsonBody(request, agentFileSchema);
  return Response.json(await importAgents(prisma, principal.teamId, file));
});
