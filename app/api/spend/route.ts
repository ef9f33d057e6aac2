import { parseSearchParams } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { getGatewayRequestLog } from "@/lib/runtime";
import { spendQuery } from "@/lib/spend/schemas";
import { spendReport } from "@/lib/spend/spend-report";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * The team's spend on model calls in [from, to) (default: the last 30 days), grouped by team,
 * API key, agent, model or UTC day: run steps and gateway calls together, with what the response
 * cache saved beside it. Owners and admins.
 */
export const GET = route({ role: "admin" }, async ({ request, principal, prisma }) => {
  const q = parseSearchParams(request.url, spendQuery);
  // The log writes after the answer, batched: flush so the report includes the latest calls.
  await (await getGatewayRequestLog()).flush();
  return Response.json(await spendReport(prisma, principal.teamId, q));
});
