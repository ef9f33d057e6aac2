import { z } from "zod";
import { AppError } from "@/lib/errors";
import { GATEWAY_CACHE_POLICIES } from "@/lib/gateway/gateway-cache-policy";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { getGatewayServices } from "@/lib/runtime";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const keySettingsSchema = z
  .object({
    /** "off", "deterministic" or "force" for calls with this key; null: the team's policy. */
    cachePolicy: z.enum(GATEWAY_CACHE_POLICIES).nullable(),
  })
  .strict();

/** One API key's gateway settings (admin): its cache policy. */
export const PATCH = route<{ id: string }>(
  { role: "admin" },
  async ({ request, params, principal, prisma }) => {
    const { cachePolicy } = await parseJsonBody(request, keySettingsSchema);
    const updated = await prisma.apiKey.updateMany({
      where: { id: params.id, teamId: principal.teamId },
      data: { gatewayCachePolicy: cachePolicy },
    });
    if (updated.count === 0) throw new AppError("not_found", "no such API key in this team");
    // Other instances see the change within 30 s (their cached policies).
    (await getGatewayServices()).gatewayAuth.forgetTeam(principal.teamId);
    return Response.json({ id: params.id, cachePolicy });
  },
);
