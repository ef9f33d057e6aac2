/**
 * GET /api/spend → SpendReport. Imports nothing server-side: the Spend page takes it with
 * `import type`.
 */
export interface SpendRow {
  /** The team id, API key id ("runs" for runs), agent id ("gateway" for gateway calls), model or UTC day. */
  group: string;
  /** A readable name for the group when it has one (a key's or an agent's name). */
  label: string | null;
  /** Upstream calls that were billed (answers from the response cache are not calls). */
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** Prompt-cache writes of both TTLs. */
  cacheWriteTokens: number;
  cacheReadTokens: number;
  costUsd: number;
  /** Answers served from the response cache, and what they would have cost upstream. */
  cacheHits: number;
  savedUsd: number;
}

export interface SpendReport {
  by: "team" | "key" | "agent" | "model" | "day";
  from: string;
  to: string;
  totalUsd: number;
  savedUsd: number;
  rows: SpendRow[];
}
