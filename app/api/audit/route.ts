import { auditListQuerySchema, listAuditEvents } from "@/lib/audit";
import { parseSearchParams } from "@/lib/http/parse";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The team's audit log, newest first: owners and admins. */
export const GET = route({ role: "admin" }, async ({ request, principal, prisma }) => {
  const { cursor, limit, ...filters } = parseSearchParams(request.url, auditListQuerySchema);
  return Response.json(
    await listAuditEvents({ prisma, teamId: principal.teamId, filters, cursor, limit }),
    { headers: { "cache-control": "no-store" } },
  );
});
