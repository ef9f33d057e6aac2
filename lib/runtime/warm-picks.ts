import "server-only";
import { checkSignature, type StoredEntry } from "@/lib/cache";
import { openRequest } from "@/lib/cache-admin/open-entry";
import { type WarmItem, type WarmJobs, createWarmJobs } from "@/lib/cache-admin/warm-jobs";
import type { Database } from "@/lib/db";
import { warmCallRow } from "@/lib/gateway/call-spend";
import type { RequestLog } from "@/lib/gateway/request-log";
import type { ModelCaller, ModelRequest } from "@/lib/llm/types";
import { type Logger, logger } from "@/lib/log";
import type { CloseStack } from "./close-stack";
import type { CacheServices } from "./response-cache";

/** Cache warming: jobs that replay the team's most requested entries through the gateway's caller. */
export function buildWarmJobs(parts: {
  db: Database;
  caller: ModelCaller;
  cacheServices: CacheServices;
  requestLog: RequestLog;
  stack: CloseStack;
}): WarmJobs {
  const log = logger.child("cache");
  const warmJobs = createWarmJobs({
    prisma: parts.db.prisma,
    caller: parts.caller,
    topRequests: (teamId, n) => topRequestsToWarm(parts.cacheServices, teamId, n, log),
    log,
    recordCall: (call) => parts.requestLog.write(warmCallRow(call)),
  });
  parts.stack.defer("warm jobs", () => warmJobs.close());
  return warmJobs;
}

/**
 * The team's most requested cached entries, opened back into the requests that made them. Only
 * a request the row's HMAC vouches for is replayed: a row that fails its check is tampered
 * (deleted and counted, as on a read); a row signed before requests were is skipped.
 */
export async function topRequestsToWarm(
  cache: CacheServices,
  teamId: string,
  n: number,
  log?: Pick<Logger, "warn">,
): Promise<WarmItem[]> {
  // Memory hits reach L2's counts in batches: flush so "most requested" counts them.
  await cache.cache.flushHits();
  const entries = await cache.admin.topRequested(teamId, n);
  const items: WarmItem[] = [];
  for (const entry of entries) {
    const check = signatureOf(entry, cache);
    if (check === "invalid") {
      log?.warn("cache warm: an entry failed its HMAC check; deleted it", {
        key: entry.key,
        teamId,
      });
      cache.stats.record({
        teamId,
        agentId: entry.agentId ?? undefined,
        model: entry.model,
        outcome: "tampered",
      });
      await cache.l2.delete(entry.key);
      cache.cache.purge({ teamId, key: entry.key });
      continue;
    }
    const request = check === "signed" ? openRequest(entry, cache.keys) : null;
    if (request) {
      items.push({
        request: request as ModelRequest,
        mode: "refresh",
        agentId: entry.agentId ?? undefined,
      });
    }
  }
  return items;
}

function signatureOf(entry: StoredEntry, cache: CacheServices) {
  const fields = {
    key: entry.key,
    tenant: entry.teamId,
    model: entry.model,
    response: entry.response,
    request: entry.request,
  };
  return checkSignature(fields, entry.hmac, cache.keys.secret);
}
