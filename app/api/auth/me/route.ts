import { audited, auditContext } from "@/lib/audit";
import { getAccount, renameUser, updateAccountSchema } from "@/lib/auth";
import { parseJsonBody } from "@/lib/http/parse";
import { AppError } from "@/lib/errors";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route({ role: "member" }, async ({ principal, prisma }) => {
  if (principal.kind !== "user") {
    return Response.json({
      apiKey: { id: principal.apiKeyId },
      teamId: principal.teamId,
      role: principal.role,
    });
  }
  const account = await getAccount(prisma, principal).catch(() => {
    throw new AppError("unauthorized", "sign in again");
  });
  return Response.json(account);
});

/** Changes the signed-in person's name (a person's, not an API key's: keys have no account). */
export const PATCH = route({ role: "member" }, async ({ request, principal, prisma }) => {
  if (principal.kind !== "user") {
    throw new AppError("forbidden", "an API key has no account to change; sign in as a person");
  }
  const input = await parseJsonBody(request, updateAccountSchema);
  await audited(
    prisma,
    auditContext(request, principal),
    (tx) => renameUser(tx, principal.userId, input),
    (user) => ({
      action: "account.rename",
      target: { kind: "user", id: user.id, label: user.email },
    }),
  );
  return Response.json(await getAccount(prisma, principal));
});
