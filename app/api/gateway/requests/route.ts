import { z } from "zod";
import { flushGatewayLog } from "@/lib/gateway/request-log";
import { parseSearchParams } from "@/lib/http/parse";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const query = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict();

/** The gateway's request log: the team's most recent calls through /api/anthropic. */
export const GET = route({ role: "admin" }, async ({ request, principal, prisma }) => {
  const { limit } = parseSearchParams(request.url, query);
  await flushGatewayLog();
  const requests = await prisma.gatewayRequest.findMany({
    where: { teamId: principal.teamId },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  return Response.json({ requests });
});
