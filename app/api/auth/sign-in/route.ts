import { audited, auditOrigin, recordFailedSignIn } from "@/lib/audit";
import { createSession, purgeExpiredSessions, signIn } from "@/lib/auth";
import { signInSchema } from "@/lib/auth/schemas";
import { AppError } from "@/lib/errors";
import { clientAddress } from "@/lib/http/client-address";
import { parseJsonBody } from "@/lib/http/parse";
import { checkRateLimit } from "@/lib/http/rate-limit";
import { publicRoute } from "@/lib/http/route";
import { withSessionCookie } from "@/lib/http/session-response";

export const runtime = "nodejs";

// Limited per client address (the wrapper) and per account *and* address together: guessing
// one account's password from one place is slowed, but failures from elsewhere never lock its
// owner out (a per-account limit alone would let anyone do that). Addresses come from the
// socket or trusted proxies only (TRUST_PROXY_HOPS), so a new X-Forwarded-For per try buys
// nothing. Both fail closed when the limit store is down (see lib/ratelimit/groups.ts).
export const POST = publicRoute({ rateLimit: "sign-in" }, async ({ request, prisma }) => {
  const input = await parseJsonBody(request, signInSchema);
  const email = input.email.toLowerCase();
  const perAccount = await checkRateLimit("sign-in", `email:${email}|ip:${clientAddress(request)}`);
  if (perAccount.error) throw perAccount.error;
  const account = await signIn(prisma, input).catch(async (error: unknown) => {
    // A refused password is audited (a refusal by the rate limit above is not: it says nothing
    // new, and recording it would let a flood of guesses flood the log).
    if (error instanceof AppError && error.code === "unauthorized") {
      await recordFailedSignIn(prisma, request, email);
    }
    throw error;
  });
  const context = {
    ...auditOrigin(request),
    teamId: account.team.id,
    actor: { kind: "user" as const, id: account.user.id, label: account.user.email },
  };
  const session = await audited(
    prisma,
    context,
    (tx) => createSession(tx, { userId: account.user.id, teamId: account.team.id }),
    () => ({ action: "auth.sign-in" }),
  );
  // Expired sessions are refused anyway; sweeping them here keeps the table small without a timer.
  void purgeExpiredSessions(prisma).catch(() => {});
  return withSessionCookie(Response.json(account), request, session.token);
});
