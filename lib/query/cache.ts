/** The cache page's reads and actions over /api/cache/* and /api/gateway/requests. */
import type {
  CacheEntriesPage,
  CacheEntryDetailView,
  CacheRange,
  CacheStatsView,
  EntrySort,
  PurgeResult,
  PurgeTarget,
  WarmJobView,
} from "@/lib/cache-admin/views";
import type { GatewayRequestView } from "@/lib/gateway/request-log-view";
import { fetchJson, postJson } from "./fetch-json";

/** Every cache query key starts with this, so one invalidation refreshes the whole dashboard. */
export const CACHE_KEY = ["cache"] as const;

export interface EntryFilters {
  search: string;
  model: string;
  agent: string;
  sort: EntrySort;
}

export function getStats(range: CacheRange) {
  return fetchJson<CacheStatsView>(`/api/cache/stats?range=${range}`);
}

export function getEntries(filters: EntryFilters, cursor: string | null) {
  const params = new URLSearchParams({ sort: filters.sort });
  if (filters.search) params.set("search", filters.search);
  if (filters.model) params.set("model", filters.model);
  if (filters.agent) params.set("agent", filters.agent);
  if (cursor) params.set("cursor", cursor);
  return fetchJson<CacheEntriesPage>(`/api/cache/entries?${params}`);
}

export function getEntry(key: string) {
  return fetchJson<{ entry: CacheEntryDetailView }>(
    `/api/cache/entries/${encodeURIComponent(key)}`,
  );
}

export function purge(target: PurgeTarget) {
  return postJson<PurgeResult>("/api/cache/purge", target);
}

export function startWarm(topN: number) {
  return postJson<{ job: WarmJobView }>("/api/cache/warm", { topN });
}

export function getWarmJob(id: string) {
  return fetchJson<{ job: WarmJobView }>(`/api/cache/warm/${encodeURIComponent(id)}`);
}

export function getGatewayRequests(limit: number) {
  return fetchJson<{ requests: GatewayRequestView[] }>(`/api/gateway/requests?limit=${limit}`);
}
