import "server-only";
import { LRUCache } from "lru-cache";
import type { PrismaClient } from "@/lib/db";
import { loadOrStale } from "@/lib/db/stale-on-outage";
import type { CacheControl } from "@/lib/llm/types";

/**
 * Which calls the gateway caches for a key or a team: "off" never, "deterministic" only calls at
 * temperature 0 (the default), "force" every call. A request's `x-ensemble-cache` header wins
 * over a key's policy, which wins over its team's.
 */
export const GATEWAY_CACHE_POLICIES = ["off", "deterministic", "force"] as const;
export type GatewayCachePolicy = (typeof GATEWAY_CACHE_POLICIES)[number];

function parsePolicy(value: string | null | undefined): GatewayCachePolicy | null {
  return (GATEWAY_CACHE_POLICIES as readonly string[]).includes(value ?? "")
    ? (value as GatewayCachePolicy)
    : null;
}

/** A request's cache control once the key's (or team's) policy fills in what the header left. */
export function withPolicy(control: CacheControl, policy: GatewayCachePolicy | null): CacheControl {
  if (control.mode !== undefined || policy === null || policy === "deterministic") return control;
  return { ...control, mode: policy === "off" ? "bypass" : "default" };
}

export interface CachePolicyLookup {
  /** The key's policy, else its team's, else null (the default); cached per process. */
  policyOf(apiKeyId: string, teamId: string): Promise<GatewayCachePolicy | null>;
  /** The key's gateway fallback models (ApiKey.gatewayFallbackModels), cached like its policy. */
  fallbacksOf(apiKeyId: string, teamId: string): Promise<string[]>;
  /** Forgets a team's and its keys' cached policies (after a change here). */
  forgetTeam(teamId: string): void;
}

/**
 * The policies as stored (Team.gatewayCachePolicy, ApiKey.gatewayCachePolicy, with the key's
 * fallback models), remembered for
 * `ttlMs` so that the common path costs no query: other instances see a change within it.
 */
export function createCachePolicyLookup(prisma: PrismaClient, ttlMs = 30_000): CachePolicyLookup {
  // Expired entries stay until replaced: they answer while the database is down (loadOrStale).
  const teams = new LRUCache<string, { policy: GatewayCachePolicy | null }>({
    max: 10_000,
    ttl: ttlMs,
    noDeleteOnStaleGet: true,
  });
  const keys = new LRUCache<
    string,
    { policy: GatewayCachePolicy | null; fallbackModels: string[]; teamId: string }
  >({
    max: 100_000,
    ttl: ttlMs,
    noDeleteOnStaleGet: true,
  });
  async function teamPolicy(teamId: string) {
    const entry = await loadOrStale(teams, teamId, async () => {
      const team = await prisma.team.findUnique({
        where: { id: teamId },
        select: { gatewayCachePolicy: true },
      });
      return { policy: parsePolicy(team?.gatewayCachePolicy) };
    });
    return entry.policy;
  }
  function keySettings(apiKeyId: string, teamId: string) {
    return loadOrStale(keys, apiKeyId, async () => {
      const key = await prisma.apiKey.findUnique({
        where: { id: apiKeyId },
        select: { gatewayCachePolicy: true, gatewayFallbackModels: true },
      });
      return {
        policy: parsePolicy(key?.gatewayCachePolicy),
        fallbackModels: key?.gatewayFallbackModels ?? [],
        teamId,
      };
    });
  }
  return {
    async policyOf(apiKeyId, teamId) {
      return (await keySettings(apiKeyId, teamId)).policy ?? (await teamPolicy(teamId));
    },
    async fallbacksOf(apiKeyId, teamId) {
      return (await keySettings(apiKeyId, teamId)).fallbackModels;
    },
    forgetTeam(teamId) {
      teams.delete(teamId);
      for (const [id, entry] of keys.entries()) if (entry.teamId === teamId) keys.delete(id);
    },
  };
}
