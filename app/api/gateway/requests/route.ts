import { z } from "zod";
import { parseSearchParams } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { getGatewayRequestLog } from "@/lib/runtime";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const query = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** An API key id: that key's requests. */
    key: z.string().min(1).max(100).optional(),
    /** An exact status (`429`) or a class (`4xx`, `5xx`). */
    status: z
      .string()
      .regex(/^([1-5][0-9]{2}|[1-5]xx)$/, "a status like 429, or a class like 4xx")
      .optional(),
    model: z.string().min(1).max(200).optional(),
    /** How it was served: miss, hit-memory, hit-db, coalesced, bypass, … */
    cache: z.string().min(1).max(40).optional(),
    /** The request-id the client received. */
    requestId: z.string().min(1).max(100).optional(),
  })
  .strict();

function statusFilter(status: string | undefined) {
  if (!status) return undefined;
  if (!status.endsWith("xx")) return Number(status);
  const low = Number(status[0]) * 100;
  return { gte: low, lt: low + 100 };
}

/**
 * The gateway's request log: the team's most recent calls through /api/anthropic, refused ones
 * included (with their error type), newest first, filtered by key, status, model, cache status or
 * request id.
 */
export const GET = route({ role: "admin" }, async ({ request, principal, prisma }) => {
  const q = parseSearchParams(request.url, query);
  await (await getGatewayRequestLog()).flush();
  const requests = await prisma.gatewayRequest.findMany({
    where: {
      teamId: principal.teamId,
      apiKeyId: q.key,
      status: statusFilter(q.status),
      model: q.model,
      cacheStatus: q.cache,
      requestId: q.requestId,
    },
    orderBy: { createdAt: "desc" },
    take: q.limit,
  });
  return Response.json({ requests });
});
