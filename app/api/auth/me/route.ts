import { getAccount } from "@/lib/auth";
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
