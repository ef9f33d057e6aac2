/** Browser-side shapes of the /api/cache/* responses. */
import type { CacheTotals } from "@/lib/cache/stats-store";

export type CacheRange = "24h" | "7d" | "30d";
export const RANGES: readonly CacheRange[] = ["24h", "7d", "30d"];

/** The server's CacheTotals (a type-only import: nothing server-side reaches the browser). */
export type CacheTotalsView = CacheTotals;

export interface CacheSeriesPointView {
  at: string;
  hitsMemory: number;
  hitsDb: number;
  misses: number;
  coalesced: number;
  bypasses: number;
  costSavedUsd: number;
  latencySavedMs: number;
  inputTokensSaved: number;
  outputTokensSaved: number;
}

export interface CacheStatsView {
  totals: CacheTotalsView;
  series: CacheSeriesPointView[];
  byModel: { model: string; hits: number; misses: number; costSavedUsd: number }[];
  byAgent: {
    agentId: string | null;
    agentName: string | null;
    hits: number;
    misses: number;
    costSavedUsd: number;
  }[];
  size: { entries: number; bytes: number; maxEntries: number | null; maxBytes: number | null };
  memory: { entries: number; bytes: number; maxBytes: number | null };
}

export interface CacheEntryView {
  key: string;
  model: string;
  agentId: string | null;
  agentName: string | null;
  sizeBytes: number;
  hitCount: number;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number | null;
  createdAt: string;
  lastHitAt: string | null;
  expiresAt: string | null;
  preview: string;
}

/** GET /api/cache/entries/:key; the server omits the list-only fields (agentName, preview). */
export interface CacheEntryDetail extends Omit<CacheEntryView, "agentName" | "preview"> {
  agentName?: string | null;
  /** Stored encrypted at rest (decrypted for this view). */
  encrypted?: boolean;
  /** The HMAC checked out, as it would on a hit. */
  verified?: boolean;
  request: unknown;
  response: unknown;
}

export type EntrySort = "lastHit" | "hits" | "size" | "created";

export interface WarmJob {
  id: string;
  total: number;
  done: number;
  failed: number;
  status: string;
}

export type PurgeTarget =
  | { key: string }
  | { agentId: string }
  | { model: string }
  | { olderThanSeconds: number }
  | { all: true };
