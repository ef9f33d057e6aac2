import "server-only";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { apiKeyCache } from "./api-key-cache";
import type { Principal } from "./principal";
import { SESSION_COOKIE, readCookie } from "./sessions";
import { hashToken } from "./tokens";

// Writing lastUsedAt on every request would turn every read into a write; once a minute is enough.
const LAST_USED_GRANULARITY_MS = 60_000;

/** The API key a request carries, as `Authorization: Bearer` or `x-api-key` (what Anthropic SDKs send). */
export function apiKeyFrom(request: Request): string | undefined {
  const auth = request.headers.get("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim() || undefined;
  return request.headers.get("x-api-key")?.trim() || undefined;
}

/**
 * Finds the caller: an API key first (programs), else the session cookie (browsers).
 * Returns null when the request carries no credentials; throws unauthorized when it carries
 * bad ones (so a revoked key is told apart from an anonymous call).
 */
export async function authenticate(
  prisma: PrismaClient,
  request: Request,
): Promise<Principal | null> {
  const key = apiKeyFrom(request);
  if (key) {
    const hash = hashToken(key);
    const cache = apiKeyCache();
    let record = cache.get(hash);
    if (!record) {
      const row = await prisma.apiKey.findUnique({ where: { keyHash: hash } });
      if (!row) throw new AppError("unauthorized", "invalid API key");
      record = {
        id: row.id,
        teamId: row.teamId,
        role: row.role,
        revoked: row.revokedAt !== null,
        lastUsedAt: row.lastUsedAt?.getTime() ?? null,
      };
      cache.set(hash, record);
    }
    if (record.revoked) throw new AppError("unauthorized", "this API key was revoked");
    const now = Date.now();
    if (!record.lastUsedAt || now - record.lastUsedAt > LAST_USED_GRANULARITY_MS) {
      record.lastUsedAt = now;
      // Best effort: a failed bookkeeping write must not fail the request.
      void prisma.apiKey
        .update({ where: { id: record.id }, data: { lastUsedAt: new Date(now) } })
        .catch(() => {});
    }
    return { kind: "api-key", apiKeyId: record.id, teamId: record.teamId, role: record.role };
  }

  const token = readCookie(request, SESSION_COOKIE);
  if (!token) return null;
  const session = await prisma.session.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!session || session.expiresAt.getTime() <= Date.now()) {
    throw new AppError("unauthorized", "your session has expired; sign in again");
  }
  const membership = await prisma.membership.findUnique({
    where: { teamId_userId: { teamId: session.teamId, userId: session.userId } },
  });
  if (!membership) throw new AppError("unauthorized", "you are no longer a member of this team");
  return {
    kind: "user",
    userId: session.userId,
    teamId: session.teamId,
    role: membership.role,
    sessionId: session.id,
  };
}

/**
 * Cookie-authenticated writes must come from our own pages: a cross-site form or fetch carries
 * the browser's cookie but not a matching Origin. (SameSite=Lax already stops most of these;
 * this covers old browsers and same-site subdomains.) API-key requests carry no ambient
 * credentials and are exempt.
 */
export function assertSameOrigin(request: Request): void {
  if (["GET", "HEAD", "OPTIONS"].includes(request.method)) return;
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  if (origin) {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (!host || originHost !== host) {
      throw new AppError("forbidden", "cross-site request refused");
    }
    return;
  }
  if (site && site !== "same-origin" && site !== "none") {
    throw new AppError("forbidden", "cross-site request refused");
  }
}
