import { SESSION_COOKIE, deleteSession, readCookie } from "@/lib/auth";
import { publicRoute } from "@/lib/http/route";
import { withClearedSession } from "@/lib/http/session-response";

export const runtime = "nodejs";

export const POST = publicRoute({}, async ({ request, prisma }) => {
  const token = readCookie(request, SESSION_COOKIE);
  if (token) await deleteSession(prisma, token);
  return withClearedSession(new Response(null, { status: 204 }), request);
});
