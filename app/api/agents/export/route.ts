import { exportAgents } from "@/lib/agents";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route({ role: "member" }, async ({ principal, prisma }) => {
  const file = await exportAgents(prisma, principal.teamId);
  return new Response(`${JSON.stringify(file, null, 2)}\n`, {
    headers: {
      "content-type": "application/json",
      "content-disposition": 'attachment; filename="ensemble-agents.json"',
    },
  });
});
