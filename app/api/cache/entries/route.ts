import { listCacheEntries } from "@/lib/cache-admin/cache-admin";
import { entriesQuerySchema } from "@/lib/cache-admin/schemas";
import { parseSearchParams } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { getCacheServices } from "@/lib/runtime";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, async ({ request, principal, prisma }) => {
  const query = parseSearchParams(request.url, entriesQuerySchema);
  return Response.json(
    await listCacheEntries({
      prisma,
      runtime: { cacheServices: await getCacheServices() },
      teamId: principal.teamId,
      query,
    }),
  );
});
