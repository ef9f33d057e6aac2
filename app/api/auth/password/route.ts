import { audited, auditContext } from "@/lib/audit";
import { SESSION_COOKIE, changePassword, changePasswordSchema, readCookie } from "@/lib/auth";
import { AppError } from "@/lib/errors";
import { parseJsonBody } from "@/lib/http/parse";
import { route } from "@/lib/http/route";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * Changes the signed-in person's password (the current one proves it is them) and signs out
 * their other sessions. Limited like sign-in: it is a way to test guesses of the password.
 */
export const POST = route(
  { role: "member", rateLimit: "sign-in" },
  async ({ request, principal, prisma }) => {
    if (principal.kind !== "user") {
      throw new AppError("forbidden", "an API key has no password to change; sign in as a person");
    }
    const input = await parseJsonBody(request, changePasswordSchema);
    const result = await audited(
      prisma,
      auditContext(request, principal),
      (tx) =>
        changePassword(tx, {
          userId: principal.userId,
          sessionToken: readCookie(request, SESSION_COOKIE),
          ...input,
        }),
      (r) => ({
        action: "account.password-change",
        target: { kind: "user", id: principal.userId },
        details: { revokedSessions: r.revokedSessions },
      }),
    );
    return Response.json(result);
  },
);
