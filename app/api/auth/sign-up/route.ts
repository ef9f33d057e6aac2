import { createSession, signUp } from "@/lib/auth";
import { signUpSchema } from "@/lib/auth/schemas";
import { parseJsonBody } from "@/lib/http/parse";
import { publicRoute } from "@/lib/http/route";
import { withSessionCookie } from "@/lib/http/session-response";

export const runtime = "nodejs";

export const POST = publicRoute({ rateLimit: "sign-in" }, async ({ request, prisma }) => {
  const input = await parseJsonBody(request, signUpSchema);
  const account = await signUp(prisma, input);
  const session = await createSession(prisma, { userId: account.user.id, teamId: account.team.id });
  return withSessionCookie(Response.json(account, { status: 201 }), request, session.token);
});
