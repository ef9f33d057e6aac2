import "server-only";
import type { AuthState } from "@/lib/auth/authenticate";
import { LRUCache } from "lru-cache";
import { authenticateApiKey } from "@/lib/auth";
import type { Role } from "@/lib/auth";
import type { PrismaClient } from "@/lib/db";
import { loadOrStale } from "@/lib/db/stale-on-outage";
import { AppError } from "@/lib/errors";
import { createCachePolicyLookup, type GatewayCachePolicy } from "./gateway-cache-policy";

/** Anything with `get(name)`: a fetch Headers, or a wrapper over Node's IncomingHttpHeaders. */
export interface HeaderReader {
  get(name: string): string | null;
}

/** How the upstream call is authenticated. */
export type UpstreamAuth =
  /** With the server's own ANTHROPIC_API_KEY (the default). */
  | { kind: "server" }
  /**
   * With the client's own credential, passed on exactly as the client sent it (x-ensemble-key
   * mode): its header name and value. Never logged, never stored, never part of a cache key.
   */
  | { kind: "client"; header: "x-api-key" | "authorization"; value: string };

/** Who is calling the gateway, and how the upstream will be authenticated for them. */
export interface GatewayIdentity {
  teamId: string;
  apiKeyId: string;
  role: Role;
  upstreamAuth: UpstreamAuth;
}

export interface GatewayAuthenticator {
  /**
   * The caller of one gateway request. The Ensemble key comes from `x-api-key` or
   * `Authorization: Bearer` — or, when the key's team allows clients' own credentials, from
   * `x-ensemble-key`, in which case `x-api-key`/`Authorization` are the client's Anthropic
   * credential and go upstream unchanged. Session cookies are never accepted here.
   * Throws AppError `unauthorized` (401) / `forbidden` (403) / `bad_request` (400).
   */
  authenticate(headers: HeaderReader): Promise<GatewayIdentity>;
  /** The cache policy of the caller's key, else of its team, else null (see gateway-cache-policy). */
  cachePolicy(identity: GatewayIdentity): Promise<GatewayCachePolicy | null>;
  /** The models to try, in order, when the caller's model is overloaded; [] = none. */
  fallbackModels(identity: GatewayIdentity): Promise<string[]>;
  /** Drops a team's cached settings (after they changed here; other instances catch up in `ttlMs`). */
  forgetTeam(teamId: string): void;
}

export interface GatewayAuthOptions {
  /** The process's API-key lookup cache and failure guard (lib/runtime owns them). */
  auth: AuthState;
  prisma: PrismaClient;
  /** How long a team's `gatewayClientCredentials` setting is remembered. @default 30_000 */
  ttlMs?: number;
}

const MISSING_KEY = "x-api-key header is required";

function bearer(value: string | null): string | undefined {
  if (!value?.toLowerCase().startsWith("bearer ")) return undefined;
  return value.slice(7).trim() || undefined;
}

/** The client's own Anthropic credential, as sent (x-api-key wins, as at the API). */
type ClientAuth = Extract<UpstreamAuth, { kind: "client" }>;

function clientCredential(headers: HeaderReader): ClientAuth | undefined {
  const apiKey = headers.get("x-api-key")?.trim();
  if (apiKey) return { kind: "client", header: "x-api-key", value: apiKey };
  const authorization = headers.get("authorization")?.trim();
  if (authorization) return { kind: "client", header: "authorization", value: authorization };
  return undefined;
}

/** Ensemble keys start `ens_`: one sent as the "own" credential would leak it upstream. */
function looksLikeEnsembleKey(auth: ClientAuth): boolean {
  const value = auth.header === "authorization" ? (bearer(auth.value) ?? "") : auth.value;
  return value.startsWith("ens_");
}

/**
 * The gateway's authentication, owned by the runtime (its team-setting cache is per process).
 * The common path (no `x-ensemble-key`) costs what `authenticateApiKey` costs: a cached lookup.
 */
export function createGatewayAuth(options: GatewayAuthOptions): GatewayAuthenticator {
  const { prisma, auth } = options;
  const allowsClientCredentials = new LRUCache<string, { allowed: boolean }>({
    max: 10_000,
    ttl: options.ttlMs ?? 30_000,
    // Expired entries answer while the database is down (loadOrStale).
    noDeleteOnStaleGet: true,
  });

  const policies = createCachePolicyLookup(prisma, options.ttlMs);

  async function teamAllows(teamId: string): Promise<boolean> {
    const entry = await loadOrStale(allowsClientCredentials, teamId, async () => {
      const team = await prisma.team.findUnique({
        where: { id: teamId },
        select: { gatewayClientCredentials: true },
      });
      return { allowed: team?.gatewayClientCredentials === true };
    });
    return entry.allowed;
  }

  async function principalOf(key: string, header: string) {
    try {
      return await authenticateApiKey(prisma, key, auth);
    } catch (error) {
      if (error instanceof AppError && error.message === "invalid API key") {
        throw new AppError("unauthorized", `invalid ${header}`);
      }
      throw error;
    }
  }

  return {
    async authenticate(headers) {
      const ensembleKey = headers.get("x-ensemble-key")?.trim();
      if (ensembleKey) {
        const principal = await principalOf(ensembleKey, "x-ensemble-key");
        if (!(await teamAllows(principal.teamId))) {
          throw new AppError(
            "forbidden",
            "This team does not allow clients' own Anthropic credentials with x-ensemble-key; a team admin can allow it (PATCH /api/gateway/settings), or send the Ensemble key as x-api-key.",
          );
        }
        const upstreamAuth = clientCredential(headers);
        if (!upstreamAuth) {
          throw new AppError(
            "unauthorized",
            `${MISSING_KEY} (with x-ensemble-key, your own Anthropic key or token goes in x-api-key or Authorization)`,
          );
        }
        if (looksLikeEnsembleKey(upstreamAuth)) {
          throw new AppError(
            "bad_request",
            `${upstreamAuth.header} carries an Ensemble key; with x-ensemble-key it must be your own Anthropic credential, which is sent to the Anthropic API.`,
          );
        }
        const { apiKeyId, teamId, role } = principal;
        return { apiKeyId, teamId, role, upstreamAuth };
      }
      const apiKey = headers.get("x-api-key")?.trim();
      const key = apiKey || bearer(headers.get("authorization"));
      if (!key) throw new AppError("unauthorized", MISSING_KEY);
      const principal = await principalOf(key, apiKey ? "x-api-key" : "bearer token");
      const { apiKeyId, teamId, role } = principal;
      return { apiKeyId, teamId, role, upstreamAuth: { kind: "server" } };
    },
    cachePolicy: (identity) => policies.policyOf(identity.apiKeyId, identity.teamId),
    fallbackModels: (identity) => policies.fallbacksOf(identity.apiKeyId, identity.teamId),
    forgetTeam: (teamId) => {
      allowsClientCredentials.delete(teamId);
      policies.forgetTeam(teamId);
    },
  };
}
