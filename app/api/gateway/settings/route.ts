import { z } from "zod";
import { audited, auditContext } from "@/lib/audit";
import { GATEWAY_CACHE_POLICIES } from "@/lib/gateway/gateway-cache-policy";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";
import { getGatewayServices } from "@/lib/runtime";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const settingsSchema = z
  .object({
    /**
     * Clients may keep their own Anthropic credentials: the Ensemble key then travels in
     * `x-ensemble-key` and the client's `x-api-key`/`Authorization` goes upstream unchanged.
     */
    clientCredentials: z.boolean().optional(),
    /**
     * Which of the team's calls the gateway caches: "off", "deterministic" (temperature 0 only;
     * null means this default) or "force" (every call). A key's own policy and a request's
     * `x-ensemble-cache` header win over it.
     */
    cachePolicy: z.enum(GATEWAY_CACHE_POLICIES).nullable().optional(),
  })
  .strict();

/** The team's gateway settings. */
export const GET = route({ role: "admin" }, async ({ principal, prisma }) => {
  const team = await prisma.team.findUniqueOrThrow({
    where: { id: principal.teamId },
    select: { gatewayClientCredentials: true, gatewayCachePolicy: true },
  });
  return Response.json({
    clientCredentials: team.gatewayClientCredentials,
    cachePolicy: team.gatewayCachePolicy,
  });
});

/** Changes them (owner). Other instances see the change within 30 s (their cached setting). */
export const PATCH = route({ role: "owner" }, async ({ request, principal, prisma }) => {
  const { clientCredentials, cachePolicy } = await parseJsonBody(request, settingsSchema);
  const team = await audited(
    prisma,
    auditContext(request, principal),
    async (tx) => {
      // The row is locked by the update's transaction: `from` is what this change replaced.
      const before = await tx.team.findUniqueOrThrow({
        where: { id: principal.teamId },
        select: { gatewayClientCredentials: true, gatewayCachePolicy: true },
      });
      const team = await tx.team.update({
        where: { id: principal.teamId },
        data: { gatewayClientCredentials: clientCredentials, gatewayCachePolicy: cachePolicy },
      });
      return { team, from: before };
    },
    ({ team, from }) => ({
      action: "team.settings-change",
      target: { kind: "team", id: team.id, label: team.name },
      // Each setting the request named, with the value it replaced.
      details: {
        ...(clientCredentials !== undefined && {
          gatewayClientCredentials: { from: from.gatewayClientCredentials, to: clientCredentials },
        }),
        ...(cachePolicy !== undefined && {
          gatewayCachePolicy: { from: from.gatewayCachePolicy, to: cachePolicy },
        }),
      },
    }),
  ).then((r) => r.team);
  (await getGatewayServices()).gatewayAuth.forgetTeam(principal.teamId);
  return Response.json({
    clientCredentials: team.gatewayClientCredentials,
    cachePolicy: team.gatewayCachePolicy,
  });
});
