import { createSession, signIn } from "@/lib/auth";
import { signInSchema } from "@/lib/auth/schemas";
import { parseJsonBody } from "@/lib/http/parse";
import { publicRoute } from "@/lib/http/route";
import { withSessionCookie } from "@/lib/http/session-response";

export const runtime = "nodejs";

// Per-IP limit; fails closed when the limit store is down (see lib/ratelimit/groups.ts).
export const POST = publicRoute({ rateLimit: "sign-in" }, async ({ request, prisma }) => {
  const input = await parseJsonBody(request, signInSchema);
  const account = await signIn(prisma, input);
  const session = await createSession(prisma, { userId: account.user.id, teamId: account.team.id });
  return withSessionCookie(Response.json(account), request, session.token);
});
