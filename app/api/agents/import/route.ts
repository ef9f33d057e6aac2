import { agentFileSchema, importAgents } from "@/lib/agents";
import { auditContext, auditHook } from "@/lib/audit";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";

/** Names shown in the record; a 500-agent import keeps its counts, not every name. */
const NAMES_SHOWN = 50;

export const POST = route({ role: "admin" }, async ({ request, principal, prisma }) => {
  const file = await parseJsonBody(request, agentFileSchema);
  const result = await importAgents(
    prisma,
    principal.teamId,
    file,
    auditHook(auditContext(request, principal), ({ created, updated, names }) => ({
      action: "agent.import",
      details: { created, updated, names: names.slice(0, NAMES_SHOWN) },
    })),
  );
  return Response.json(result);
});
