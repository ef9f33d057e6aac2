import { getCacheStats } from "@/lib/cache-admin/cache-admin";
import { statsQuerySchema } from "@/lib/cache-admin/schemas";
import { parseSearchParams } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { getCacheServices } from "@/lib/runtime";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, async ({ request, principal, prisma }) => {
  const { range } = parseSearchParams(request.url, statsQuerySchema);
  return Response.json(
    await getCacheStats({
      prisma,
      runtime: { cacheServices: await getCacheServices() },
      teamId: principal.teamId,
      range,
    }),
  );
});
