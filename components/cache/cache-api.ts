import { fetchJson } from "@/lib/query/fetch-json";
import type {
  CacheEntryDetail,
  CacheEntryView,
  CacheRange,
  CacheStatsView,
  EntrySort,
  PurgeTarget,
  WarmJob,
} from "./types";

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
  return fetchJson<{ entries: CacheEntryView[]; nextCursor: string | null }>(
    `/api/cache/entries?${params}`,
  );
}

export function getEntry(key: string) {
  return fetchJson<{ entry: CacheEntryDetail }>(`/api/cache/entries/${encodeURIComponent(key)}`);
}

export function purge(target: PurgeTarget) {
  return fetchJson<{ purged: number }>("/api/cache/purge", {
    method: "POST",
    body: JSON.stringify(target),
  });
}

export function startWarm(topN: number) {
  return fetchJson<{ job: WarmJob }>("/api/cache/warm", {
    method: "POST",
    body: JSON.stringify({ topN }),
  });
}

export function getWarmJob(id: string) {
  return fetchJson<{ job: WarmJob }>(`/api/cache/warm/${encodeURIComponent(id)}`);
}
