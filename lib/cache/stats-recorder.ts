import type { CacheOutcome, StatsSink } from "./cache-stats";
import type { CacheLogger, Found } from "./entry-store";
import { estimateCostUsd } from "./pricing";

interface Who {
  teamId: string;
  agentId: string | null;
  model: string;
  /** A warm-up fill: its lookup outcome is no user's hit or miss, so it is not recorded. */
  warm?: boolean;
}

/** Outcomes of a lookup; tampered rows and evictions are recorded whoever looked. */
const LOOKUPS = new Set<CacheOutcome>(["hit-memory", "hit-db", "miss", "coalesced", "bypass"]);

/** The cache's one way to report outcomes; a failing sink is logged, never thrown. */
export interface StatsRecorder {
  event(who: Who, outcome: CacheOutcome): void;
  /** An answer served without an upstream call, with what it saved. */
  saved(who: Who, outcome: "hit-memory" | "hit-db" | "coalesced", found: Found): void;
}

export function createStatsRecorder(
  sink: StatsSink | undefined,
  now: () => number,
  logger: CacheLogger,
): StatsRecorder {
  const record = ({ warm, ...event }: Parameters<StatsSink["record"]>[0] & { warm?: boolean }) => {
    if (sink === undefined || (warm && LOOKUPS.has(event.outcome))) return;
    try {
      sink.record({ ...event, at: new Date(now()) });
    } catch (error) {
      logger.error("stats sink failed", { error: String(error) });
    }
  };
  return {
    event: (who, outcome) => record({ ...who, outcome }),
    saved: (who, outcome, { stored, bytes, latencyMs }) =>
      record({
        ...who,
        outcome,
        bytes,
        inputTokens: stored.inputTokens,
        outputTokens: stored.outputTokens,
        costUsd: estimateCostUsd(who.model, stored.inputTokens, stored.outputTokens),
        latencySavedMs: latencyMs,
      }),
  };
}
