import "server-only";
import type { PrismaClient } from "@/lib/db";
import { hashToken, randomToken } from "./tokens";

export const SESSION_COOKIE = "ensemble_session";
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

export async function createSession(
  prisma: PrismaClient,
  { userId, teamId }: { userId: string; teamId: string },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await prisma.session.create({ data: { tokenHash: hashToken(token), userId, teamId, expiresAt } });
  return { token, expiresAt };
}

export async function deleteSession(prisma: PrismaClient, token: string): Promise<void> {
  await prisma.session.deleteMany({ where: { tokenHash: hashToken(token) } });
}

/** "Sign out everywhere": every session of the user holding `token`, on every device. */
export async function deleteAllSessionsOf(prisma: PrismaClient, token: string): Promise<number> {
  const session = await prisma.session.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!session) return 0;
  const { count } = await prisma.session.deleteMany({ where: { userId: session.userId } });
  return count;
}

/**
 * Deletes sessions past their expiry (they are refused anyway; this keeps the table from growing
 * forever). Indexed on expiresAt. Called on sign-in; the runtime may also call it on a timer.
 */
export async function purgeExpiredSessions(
  prisma: PrismaClient,
  now: Date = new Date(),
): Promise<number> {
  const { count } = await prisma.session.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}

/** The Set-Cookie value for a session (or for clearing it, with token ""). */
export function sessionCookie(
  token: string,
  { secure, maxAgeMs }: { secure: boolean; maxAgeMs: number },
) {
  return [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`,
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get("cookie");
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}
