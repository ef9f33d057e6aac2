import "server-only";
import type { Redis } from "ioredis";
import { z } from "zod";
import type { CacheLogger } from "./entry-store";
import type { PurgeFilter } from "./purge-filter";

export interface PurgeBusOptions {
  /**
   * Two connections: a subscribed ioredis connection can issue no other commands. Without them
   * the bus is in-process only (one instance needs nothing more).
   * @default undefined
   */
  redis?: { pub: Redis; sub: Redis };
  /** @default "ensemble:cache:purge" */
  channel?: string;
  /** @default console, prefixed "[cache]" */
  logger?: CacheLogger;
}

export type PurgeHandler = (filter: PurgeFilter) => void;

/**
 * Fans an admin purge out to every instance's L1. Every subscriber receives every published
 * filter, the publishing instance's own included; purging L1 is idempotent, so that is harmless.
 */
export interface PurgeBus {
  publish(filter: PurgeFilter): Promise<void>;
  /** Resolves, once messages can arrive, with a function that unsubscribes. */
  subscribe(handler: PurgeHandler): Promise<() => void>;
  /** Unsubscribes from Redis; the connections stay open (their owner closes them). */
  close(): Promise<void>;
}

const wireFilter = z
  .object({
    key: z.string().optional(),
    teamId: z.string().optional(),
    agentId: z.string().optional(),
    model: z.string().optional(),
    olderThan: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

const consoleLogger: CacheLogger = {
  warn: (message, fields) => console.warn(`[cache] ${message}`, fields ?? {}),
  error: (message, fields) => console.error(`[cache] ${message}`, fields ?? {}),
};

export function createPurgeBus(options: PurgeBusOptions = {}): PurgeBus {
  const channel = options.channel ?? "ensemble:cache:purge";
  const logger = options.logger ?? consoleLogger;
  const handlers = new Set<PurgeHandler>();

  const deliver = (filter: PurgeFilter) => {
    for (const handler of handlers) {
      try {
        handler(filter);
      } catch (error) {
        logger.error("purge handler failed", { error: String(error) });
      }
    }
  };

  const redis = options.redis;
  if (redis === undefined) {
    return {
      async publish(filter) {
        deliver(structuredClone(filter));
      },
      async subscribe(handler) {
        handlers.add(handler);
        return () => handlers.delete(handler);
      },
      async close() {
        handlers.clear();
      },
    };
  }

  const onMessage = (from: string, message: string) => {
    if (from !== channel) return;
    const filter = decode(message);
    if (filter === null) {
      logger.warn("ignored a malformed purge message", { channel });
      return;
    }
    deliver(filter);
  };
  redis.sub.on("message", onMessage);
  let subscribed: Promise<unknown> | undefined;

  return {
    async publish(filter) {
      try {
        await redis.pub.publish(channel, encode(filter));
      } catch (error) {
        // Redis is down: purge this instance at once; the others' L1 entries lapse by their TTL
        // (L2, the shared tier, is purged by the caller either way).
        logger.warn("purge not fanned out to other instances: Redis unavailable", {
          error: String(error),
        });
        deliver(structuredClone(filter));
      }
    },
    async subscribe(handler) {
      handlers.add(handler);
      await (subscribed ??= redis.sub.subscribe(channel));
      return () => handlers.delete(handler);
    },
    async close() {
      handlers.clear();
      redis.sub.off("message", onMessage);
      if (subscribed !== undefined) await redis.sub.unsubscribe(channel);
    },
  };
}

function encode(filter: PurgeFilter): string {
  return JSON.stringify({ ...filter, olderThan: filter.olderThan?.toISOString() });
}

function decode(message: string): PurgeFilter | null {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    return null;
  }
  const parsed = wireFilter.safeParse(json);
  if (!parsed.success) return null;
  const { olderThan, ...rest } = parsed.data;
  const filter: PurgeFilter = {};
  for (const [name, value] of Object.entries(rest)) {
    if (value !== undefined) filter[name as keyof Omit<PurgeFilter, "olderThan">] = value;
  }
  if (olderThan !== undefined) filter.olderThan = new Date(olderThan);
  return filter;
}
