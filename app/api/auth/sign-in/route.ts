import { createSession, signIn } from "@/lib/auth";
import { signInSchema } from "@/lib/auth/schemas";
import { parseJsonBody } from "@/lib/http/parse";
import { checkRateLimit } from "@/lib/http/rate-limit";
import { publicRoute } from "@/lib/http/route";
import { withSessionCookie } from "@/lib/http/session-response";

export const runtime = "nodejs";

// Limited per IP (the wrapper) and per account: X-Forwarded-For is whatever the client says when
// no proxy sets it, so the per-account limit is what really stops password guessing. Both fail
// closed when the limit store is down (see lib/ratelimit/groups.ts).
export const POST = publicRoute({ rateLimit: "sign-in" }, async ({ request, prisma }) => {
  const input = await parseJsonBody(request, signInSchema);
  const perAccount = await checkRateLimit("sign-in", `email:${input.email.toLowerCase()}`);
  if (perAccount.error) throw perAccount.error;
  const account = await signIn(prisma, input);
  const session = await createSession(prisma, { userId: account.user.id, teamId: account.team.id });
  return withSessionCookie(Response.json(account), request, session.token);
});
