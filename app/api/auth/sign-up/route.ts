import { auditHook, auditOrigin } from "@/lib/audit";
import { createSession, signUp } from "@/lib/auth";
import { signUpSchema } from "@/lib/auth/schemas";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http/parse";
import { publicRoute } from "@/lib/http/route";
import { withSessionCookie } from "@/lib/http/session-response";
import { getApiKeys } from "@/lib/runtime";

export const runtime = "nodejs";

// Open sign-up signs the new user in, so it cannot hide whether an email was free (there is no
// email delivery to answer through instead). It is made expensive: per-address limits (the
// wrapper), and each taken email counts as a failed authentication for the address, the budget
// that also stops key guessing. SIGN_UP=invite closes the question for outsiders altogether.
export const POST = publicRoute({ rateLimit: "sign-in" }, async ({ request, prisma }) => {
  const { failures } = await getApiKeys();
  failures.assertNotBlocked(request);
  const input = await parseJsonBody(request, signUpSchema);
  const origin = auditOrigin(request);
  const account = await signUp(prisma, input, {
    inviteOnly: getConfig().SIGN_UP === "invite",
    audit: auditHook(
      (a) => ({
        ...origin,
        teamId: a.team.id,
        actor: { kind: "user", id: a.user.id, label: a.user.email },
      }),
      (a) => ({
        action: "auth.sign-up",
        target: { kind: "user", id: a.user.id, label: a.user.email },
        details: { role: a.role, via: a.inviteId ? "invite" : "new-team", inviteId: a.inviteId },
      }),
    ),
  }).catch((error: unknown) =>
    error instanceof AppError && error.code === "conflict"
      ? failures.failed(request, error)
      : Promise.reject(error),
  );
  const session = await createSession(prisma, { userId: account.user.id, teamId: account.team.id });
  return withSessionCookie(Response.json(account, { status: 201 }), request, session.token);
});
