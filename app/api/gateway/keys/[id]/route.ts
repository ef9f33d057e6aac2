import { z } from "zod";
import { fallbackModelsSchema } from "@/lib/agents";
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
    cachePolicy: z.enum(GATEWAY_CACHE_POLICIES).nullable().optional(),
    /**
     * Models tried in order when a Messages call's model answers 529 (overloaded) or is over its
     * outbound limit; [] = none.
     */
    fallbackModels: fallbackModelsSchema.optional(),
  })
  .strict()
  .refine((s) => s.cachePolicy !== undefined || s.fallbackModels !== undefined, {
    message: "cachePolicy or fallbackModels: give at least one",
  });

/** One API key's gateway settings (admin): its cache policy and fallback models. */
export const PATCH = route<{ id: string }>(
  { role: "admin" },
  async ({ request, params, principal, prisma }) => {
    const { cachePolicy, fallbackModels } = await parseJsonBody(request, keySettingsSchema);
    const updated = await prisma.apiKey.updateMany({
      where: { id: params.id, teamId: principal.teamId },
      data: {
        ...(cachePolicy === undefined ? {} : { gatewayCachePolicy: cachePolicy }),
        ...(fallbackModels === undefined ? {} : { gatewayFallbackModels: fallbackModels }),
      },
    });
    if (updated.count === 0) throw new AppError("not_found", "no such API key in this team");
    // Other instances see the change within 30 s (their cached settings).
    (await getGatewayServices()).gatewayAuth.forgetTeam(principal.teamId);
    const key = await prisma.apiKey.findFirstOrThrow({
      where: { id: params.id, teamId: principal.teamId },
      select: { gatewayCachePolicy: true, gatewayFallbackModels: true },
    });
    return Response.json({
      id: params.id,
      cachePolicy: key.gatewayCachePolicy,
      fallbackModels: key.gatewayFallbackModels,
    });
  },
);
