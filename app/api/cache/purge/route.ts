import { auditContext, recordAudit } from "@/lib/audit";
import { purgeCache } from "@/lib/cache-admin/cache-admin";
import { purgeSchema } from "@/lib/cache-admin/schemas";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { getCacheServices } from "@/lib/runtime";

export const runtime = "nodejs";

export const POST = route({ role: "admin" }, async ({ request, principal, prisma }) => {
  const filter = await parseJsonBody(request, purgeSchema);
  const result = await purgeCache({
    runtime: { cacheServices: await getCacheServices() },
    teamId: principal.teamId,
    filter,
  });
  // A purge spans L2, every instance's L1 and the bus: no one transaction holds it, so it is
  // recorded right after it happened.
  const { key, ...rest } = filter;
  await recordAudit(prisma, auditContext(request, principal), {
    action: "cache.purge",
    target: { kind: "cache", id: key ?? null, label: key ? "one entry" : "entries" },
    details: { ...rest, ...(key ? { entry: key } : {}), purged: result.purged },
  });
  return Response.json(result);
});
