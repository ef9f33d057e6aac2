import { createApiKey, listApiKeys, requireRole } from "@/lib/auth";
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
  // Nobody mints a key stronger than themselves.
  requireRole(principal.role, input.role);
  const created = await createApiKey(prisma, {
    teamId: principal.teamId,
    name: input.name,
    role: input.role,
    createdById: principal.kind === "user" ? principal.userId : undefined,
  });
  return Response.json(created, { status: 201 });
});
