import "server-only";
import type { PrismaClient } from "@/lib/db";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { AppError } from "@/lib/errors";
import { configuredOrigin, requestHost } from "@/lib/http/client-address";
import type { ApiKeyCache, CachedKey } from "./api-key-cache";
import type { AuthFailureGuard } from "./auth-failures";
import type { Principal } from "./principal";
import { lowerRole } from "./roles";
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
 * bad ones (so a revoked key is told apart from an anonymous call), and 429 once the caller's
 * address has sent too many bad ones.
 */
export async function authenticate(
  prisma: PrismaClient,
  request: Request,
  auth: AuthState,
): Promise<Principal | null> {
  const key = apiKeyFrom(request);
  if (key) return authenticateApiKey(prisma, key, auth, request);

  const token = readCookie(request, SESSION_COOKIE);
  if (!token) return null;
  auth.failures.assertNotBlocked(request);
  const session = await prisma.session.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!session || session.expiresAt.getTime() <= Date.now()) {
    return auth.failures.failed(
      request,
      new AppError("unauthorized", "your session has expired; sign in again"),
    );
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

/** What authentication keeps per process (lib/runtime builds both). */
export interface AuthState {
  keys: ApiKeyCache;
  failures: AuthFailureGuard;
}

/**
 * The principal of one API key (cached by hash; see api-key-cache). Throws unauthorized for an
 * unknown, revoked or expired key, counted against the caller's address when there is a request
 * (the gateway calls it with the key from `x-ensemble-key` too).
 */
export async function authenticateApiKey(
  prisma: PrismaClient,
  key: string,
  auth: AuthState,
  request?: Request,
): Promise<Extract<Principal, { kind: "api-key" }>> {
  const fail = (error: AppError): Promise<never> =>
    request ? auth.failures.failed(request, error) : Promise.reject(error);
  const hash = hashToken(key);
  const cache = auth.keys;
  let record = cache.get(hash);
  if (!record) {
    if (request) auth.failures.assertNotBlocked(request);
    const loaded = await loadOrStale(prisma, hash, cache);
    if (!loaded) return fail(new AppError("unauthorized", "invalid API key"));
    record = loaded.record;
    if (!loaded.stale) {
      // Remembered no longer than the key lives, so an expiry is exact to the millisecond.
      const untilExpiry = loaded.expiresAt ? loaded.expiresAt - Date.now() : undefined;
      if (untilExpiry === undefined || untilExpiry > 0) {
        cache.set(hash, record, untilExpiry, loaded.expiresAt);
      }
    }
    if (loaded.refusal) return fail(new AppError("unauthorized", loaded.refusal));
  }
  if (record.revoked) return fail(new AppError("unauthorized", "this API key was revoked"));
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

/**
 * The key from the database; while the database is unavailable, the last lookup of a key known
 * before the outage (bounded by the cache's stale window), so an outage does not refuse every
 * call. Unknown keys still fail with the outage (503), never with a false 401.
 */
async function loadOrStale(prisma: PrismaClient, hash: string, cache: ApiKeyCache) {
  try {
    const loaded = await loadApiKey(prisma, hash);
    return loaded && { ...loaded, stale: false };
  } catch (error) {
    const record = isDatabaseUnavailable(error) ? cache.getStale(hash) : undefined;
    if (!record) throw error;
    return { record, expiresAt: undefined, refusal: undefined, stale: true };
  }
}

/**
 * A key as the guard sees it: its role capped by its creator's current role in the team (a
 * demoted creator's keys are demoted with them), refused when expired or when its creator has
 * left the team.
 */
async function loadApiKey(prisma: PrismaClient, keyHash: string) {
  const row = await prisma.apiKey.findUnique({ where: { keyHash } });
  if (!row) return undefined;
  const creator = row.createdById
    ? await prisma.membership.findUnique({
        where: { teamId_userId: { teamId: row.teamId, userId: row.createdById } },
        select: { role: true },
      })
    : undefined;
  const expired = row.expiresAt !== null && row.expiresAt.getTime() <= Date.now();
  const refusal = expired
    ? "this API key has expired"
    : creator === null
      ? "this API key's creator is no longer a member of the team"
      : undefined;
  const record: CachedKey = {
    id: row.id,
    teamId: row.teamId,
    role: creator ? lowerRole(row.role, creator.role) : row.role,
    revoked: row.revokedAt !== null || refusal !== undefined,
    lastUsedAt: row.lastUsedAt?.getTime() ?? null,
  };
  return { record, expiresAt: row.expiresAt?.getTime(), refusal };
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
    // The host the browser addressed: Host, or a trusted proxy's X-Forwarded-Host, never one
    // the client added itself (that would let any page declare itself same-origin).
    const host = requestHost(request);
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    const ours = originHost !== undefined && (originHost === host || origin === configuredOrigin());
    if (!ours) {
      throw new AppError("forbidden", "cross-site request refused");
    }
    return;
  }
  if (site && site !== "same-origin" && site !== "none") {
    throw new AppError("forbidden", "cross-site request refused");
  }
}
