import { audited, auditContext } from "@/lib/audit";
import { createApiKey, keyCreatorOf, listApiKeys, requireRole } from "@/lib/auth";
import { createApiKeySchema } from "@/lib/auth/schemas";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route({ role: "admin" }, async ({ principal, prisma }) =>
  Response.json({ keys: await listApiKeys(prisma, principal.teamId) }),
);

export const POST = route({ role: "admin" }, async ({ request, principal, prisma }) => {
  const input = await parseJsonBody(request, createApiKeySchema);
  // Nobody mints a key stronger than themselves; and the key stays capped by its creator's
  // role from then on (see authenticate), so demoting the creator demotes the key.
  requireRole(principal.role, input.role);
  const createdById = await keyCreatorOf(prisma, principal);
  const created = await audited(
    prisma,
    auditContext(request, principal),
    (tx) =>
      createApiKey(tx, {
        teamId: principal.teamId,
        name: input.name,
        role: input.role,
        createdById,
        expiresAt: input.expiresAt,
      }),
    ({ apiKey }) => ({
      action: "key.create",
      target: { kind: "api-key", id: apiKey.id, label: `${apiKey.name} (${apiKey.prefix}…)` },
      details: { role: apiKey.role, expiresAt: apiKey.expiresAt?.toISOString() ?? null },
    }),
  );
  // The full key is in this body and nowhere else: no cache may keep a copy.
  return Response.json(created, {
    status: 201,
    headers: { "cache-control": "no-store", pragma: "no-cache" },
  });
});
