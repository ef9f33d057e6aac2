import { parseSearchParams } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { getRunStats, runStatsSchema } from "@/lib/runs";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route({ role: "member" }, async ({ request, principal, prisma }) => {
  const { days } = parseSearchParams(request.url, runStatsSchema);
  return Response.json({ buckets: await getRunStats(prisma, { teamId: principal.teamId, days }) });
});
