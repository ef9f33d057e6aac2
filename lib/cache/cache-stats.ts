/** How one cache lookup ended, plus "eviction" for entries pushed out of L1 for space. */
export type CacheOutcome =
  "hit-memory" | "hit-db" | "miss" | "coalesced" | "bypass" | "tampered" | "eviction";

export interface CacheStatEvent {
  teamId: string;
  agentId?: string | null;
  model: string;
  outcome: CacheOutcome;
  /** Response bytes served from the cache. */
  bytes?: number;
  /** Tokens not paid for because the answer came from the cache or a shared call. */
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  latencySavedMs?: number;
  /**
   * When it happened.
   * @default the sink's clock
   */
  at?: Date;
}

/** Where the cache reports outcomes. Must not throw or block: it sits on the request path. */
export interface StatsSink {
  record(event: CacheStatEvent): void;
}

/** The counters of the cache's statistics: lookups by outcome, and what the hits saved. */
export interface CacheCounters {
  hitsMemory: number;
  hitsDb: number;
  misses: number;
  coalesced: number;
  bypasses: number;
  tampered: number;
  evictions: number;
  bytesServed: number;
  inputTokensSaved: number;
  outputTokensSaved: number;
  costSavedUsd: number;
  latencySavedMs: number;
}

/** One time bucket per team, agent and model; shaped like the CacheStat row ("" for no agent). */
export interface StatBucket extends CacheCounters {
  bucketStart: Date;
  teamId: string;
  agentId: string;
  model: string;
}

const COUNTER: Record<CacheOutcome, keyof StatBucket> = {
  "hit-memory": "hitsMemory",
  "hit-db": "hitsDb",
  miss: "misses",
  coalesced: "coalesced",
  bypass: "bypasses",
  tampered: "tampered",
  eviction: "evictions",
};

export interface StatsAggregatorOptions {
  /**
   * Bucket width in milliseconds.
   * @default 60000
   */
  bucketMs?: number;
  /**
   * Clock in epoch milliseconds.
   * @default Date.now
   */
  now?: () => number;
}

export interface StatsAggregator extends StatsSink {
  /**
   * Returns and forgets every bucket so far; a flusher adds them to the CacheStat rows
   * (`upsert … increment`), so draining twice never counts twice.
   */
  drain(): StatBucket[];
  /** Buckets currently held. */
  size(): number;
}

/** Sums events in memory, per minute, until a flusher drains them to Postgres. */
export function createStatsAggregator(options: StatsAggregatorOptions = {}): StatsAggregator {
  const bucketMs = options.bucketMs ?? 60_000;
  const now = options.now ?? Date.now;
  let buckets = new Map<string, StatBucket>();

  return {
    record(event) {
      const at = event.at?.getTime() ?? now();
      const start = at - (at % bucketMs);
      const agentId = event.agentId ?? "";
      const id = `${start}\u0000${event.teamId}\u0000${agentId}\u0000${event.model}`;
      let bucket = buckets.get(id);
      if (bucket === undefined) {
        bucket = emptyBucket(new Date(start), event.teamId, agentId, event.model);
        buckets.set(id, bucket);
      }
      (bucket[COUNTER[event.outcome]] as number) += 1;
      bucket.bytesServed += event.bytes ?? 0;
      bucket.inputTokensSaved += event.inputTokens ?? 0;
      bucket.outputTokensSaved += event.outputTokens ?? 0;
      bucket.costSavedUsd += event.costUsd ?? 0;
      bucket.latencySavedMs += event.latencySavedMs ?? 0;
    },
    drain() {
      const drained = [...buckets.values()];
      buckets = new Map();
      return drained;
    },
    size: () => buckets.size,
  };
}

function emptyBucket(
  bucketStart: Date,
  teamId: string,
  agentId: string,
  model: string,
): StatBucket {
  return {
    bucketStart,
    teamId,
    agentId,
    model,
    hitsMemory: 0,
    hitsDb: 0,
    misses: 0,
    coalesced: 0,
    bypasses: 0,
    tampered: 0,
    evictions: 0,
    bytesServed: 0,
    inputTokensSaved: 0,
    outputTokensSaved: 0,
    costSavedUsd: 0,
    latencySavedMs: 0,
  };
}
