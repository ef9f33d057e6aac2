import { auditExportQuerySchema, exportAuditEvents } from "@/lib/audit";
import { parseSearchParams } from "@/lib/http/parse";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const TYPES = { csv: "text/csv; charset=utf-8", json: "application/json; charset=utf-8" };

/** The team's audit log as a file (the list's filters), streamed: owners and admins. */
export const GET = route({ role: "admin" }, async ({ request, principal, prisma }) => {
  const { format, ...filters } = parseSearchParams(request.url, auditExportQuerySchema);
  const day = new Date().toISOString().slice(0, 10);
  return new Response(exportAuditEvents({ prisma, teamId: principal.teamId, filters, format }), {
    headers: {
      "content-type": TYPES[format],
      "content-disposition": `attachment; filename="audit-log-${day}.${format}"`,
      "cache-control": "no-store",
    },
  });
});
