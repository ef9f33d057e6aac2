import { audited, auditContext } from "@/lib/audit";
import { SESSION_COOKIE, deleteAllSessionsOf, deleteSession, readCookie } from "@/lib/auth";
import { publicRoute } from "@/lib/http/route";
import { withClearedSession } from "@/lib/http/session-response";

export const runtime = "nodejs";

/** Signs out this browser; with `?all=1`, every session of the user on every device. */
export const POST = publicRoute({}, async ({ request, principal, prisma }) => {
  const token = readCookie(request, SESSION_COOKIE);
  const everywhere = new URL(request.url).searchParams.get("all") === "1";
  if (token) {
    const signOut = (db: typeof prisma) =>
      everywhere ? deleteAllSessionsOf(db, token) : deleteSession(db, token).then(() => 1);
    // Audited when the cookie was a live session: a stale cookie signs nobody out.
    if (principal?.kind === "user") {
      await audited(prisma, auditContext(request, principal), signOut, (sessions) => ({
        action: "auth.sign-out",
        details: { everywhere, sessions },
      }));
    } else await signOut(prisma);
  }
  return withClearedSession(new Response(null, { status: 204 }), request);
});
