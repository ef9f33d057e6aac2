import { audited, auditContext } from "@/lib/audit";
import { revokeApiKey } from "@/lib/auth";
import { route } from "@/lib/http/route";
import { getApiKeys } from "@/lib/runtime";

export const runtime = "nodejs";

export const DELETE = route<{ id: string }>(
  { role: "admin" },
  async ({ request, params, principal, prisma }) => {
    await audited(
      prisma,
      auditContext(request, principal),
      (tx) => revokeApiKey(tx, { teamId: principal.teamId, id: params.id }),
      (key) => ({
        action: "key.revoke",
        target: { kind: "api-key", id: key.id, label: `${key.name} (${key.prefix}…)` },
      }),
    );
    // This instance and every other drop the key from their lookup cache at once.
    await (await getApiKeys()).revoked(params.id);
    return new Response(null, { status: 204 });
  },
);
