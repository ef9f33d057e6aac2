import "server-only";
import type { Redis } from "ioredis";
import { RedisUnavailableError } from "@/lib/redis/guarded-redis";
import type { PubSub } from "@/lib/redis/pubsub";
import type { RunEventLog } from "./event-log";
import { type RunStreamEvent, isTerminalEvent } from "./stream-events";

export interface RedisEventLogOptions {
  /** How long a finished run's events stay replayable. @default 1 hour */
  retainSeconds?: number;
  /** Upper bound on one run's stored events (a very long answer is many deltas). @default 50000 */
  maxEvents?: number;
  prefix?: string;
}

/**
 * A Redis stream per run holds its events, so any instance can replay a run that another
 * instance is executing; pub/sub carries the live tail.
 */
export function createRedisEventLog(
  redis: Redis,
  pubsub: PubSub,
  options: RedisEventLogOptions = {},
): RunEventLog {
  const prefix = options.prefix ?? "ensemble:run";
  const retain = options.retainSeconds ?? 3600;
  const maxEvents = options.maxEvents ?? 50_000;
  const streamKey = (runId: string) => `${prefix}:${runId}:events`;
  const channel = (runId: string) => `${prefix}:${runId}:live`;

  return {
    async append(event) {
      const json = JSON.stringify(event);
      const multi = redis
        .multi()
        .xadd(streamKey(event.runId), "MAXLEN", "~", String(maxEvents), "*", "e", json)
        .publish(channel(event.runId), json);
      multi.expire(streamKey(event.runId), isTerminalEvent(event) ? retain : retain * 24);
      await multi.exec().catch((error: unknown) => {
        // While the circuit is open the event is lost, quietly: the client logged the outage
        // once, and viewers get a run-snapshot for the gap (run-event-stream).
        if (!(error instanceof RedisUnavailableError)) throw error;
      });
    },
    async since(runId, afterSeq) {
      const entries = await redis.xrange(streamKey(runId), "-", "+");
      const events: RunStreamEvent[] = [];
      for (const [, fields] of entries) {
        const json = fields[1];
        if (!json) continue;
        const event = JSON.parse(json) as RunStreamEvent;
        if (event.seq > afterSeq) events.push(event);
      }
      return events;
    },
    async subscribe(runId, listener) {
      return pubsub.subscribe(channel(runId), (message) =>
        listener(JSON.parse(message) as RunStreamEvent),
      );
    },
    async close() {},
  };
}
