/**
 * The JSON shapes of /api/cache/* (and so of the cache page). Dates are ISO strings.
 * Imports nothing server-side: the browser takes these with `import type`, and
 * tests/unit/query/dto-types.test.ts checks them against what lib/cache-admin returns.
 */

import type { CacheCounters } from "@/lib/cache/cache-stats";

export type CacheRange = "24h" | "7d" | "30d";
export const CACHE_RANGES: readonly CacheRange[] = ["24h", "7d", "30d"];

export type EntrySort = "lastHit" | "hits" | "size" | "created";

/** Counters over a period, as lib/cache-admin/stats-queries.ts sums them. */
export interface CacheTotalsView extends CacheCounters {
  /**
   * Lookups answered without this caller's own upstream call (memory, db, coalesced) over all
   * cacheable lookups (those plus misses; bypasses excluded). 0 when there were none.
   */
  hitRate: number;
}

/** One point of the chart: the counters it draws, at the start of its bucket. */
export interface CacheSeriesPointView extends Pick<
  CacheCounters,
  | "hitsMemory"
  | "hitsDb"
  | "misses"
  | "coalesced"
  | "bypasses"
  | "costSavedUsd"
  | "latencySavedMs"
  | "inputTokensSaved"
  | "outputTokensSaved"
> {
  /** Start of the bucket. */
  at: string;
}

/** GET /api/cache/stats?range= */
export interface CacheStatsView {
  totals: CacheTotalsView;
  series: CacheSeriesPointView[];
  byModel: { model: string; hits: number; misses: number; costSavedUsd: number }[];
  byAgent: {
    /** null: calls through the gateway, which belong to no agent. */
    agentId: string | null;
    /** "(gateway)" for gateway calls, "(deleted agent)" once the agent is gone. */
    agentName: string;
    hits: number;
    misses: number;
    costSavedUsd: number;
  }[];
  /** The team's stored (L2) entries against the configured caps. */
  size: {
    entries: number;
    bytes: number;
    maxEntries: number;
    maxBytes: number;
    /** One team's share of L2 (rows, bytes). */
    teamMaxEntries: number;
    teamMaxBytes: number;
  };
  /** The team's share of this process's memory tier (L1); maxBytes is the per-team quota. */
  memory: { entries: number; bytes: number; maxBytes: number };
}

/** One row of GET /api/cache/entries. */
export interface CacheEntryView {
  key: string;
  model: string;
  agentId: string | null;
  agentName: string | null;
  sizeBytes: number;
  hitCount: number;
  inputTokens: number;
  outputTokens: number;
  /** How long the original upstream call took. */
  latencyMs: number;
  createdAt: string;
  lastHitAt: string;
  expiresAt: string | null;
  /** The last user message, flattened and cut to 160 characters; "(encrypted)" when sealed. */
  preview: string;
}

export interface CacheEntriesPage {
  entries: CacheEntryView[];
  nextCursor: string | null;
}

/** GET /api/cache/entries/:key → { entry }: the stored request and response, opened like a hit. */
export interface CacheEntryDetailView extends Omit<CacheEntryView, "agentName" | "preview"> {
  /** Stored encrypted at rest (decrypted for this view). */
  encrypted: boolean;
  /** The HMAC checked out, as it would on a hit. */
  verified: boolean;
  request: unknown;
  response: unknown;
}

/** POST /api/cache/warm and GET /api/cache/warm/:id → { job }. */
export interface WarmJobView {
  id: string;
  teamId: string;
  total: number;
  done: number;
  failed: number;
  status: "running" | "done";
  startedAt: string;
  endedAt: string | null;
}

/** The body of POST /api/cache/purge: exactly one target. */
export type PurgeTarget =
  | { key: string }
  | { agentId: string }
  | { model: string }
  | { olderThanSeconds: number }
  | { all: true };

export interface PurgeResult {
  purged: number;
}
