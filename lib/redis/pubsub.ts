import "server-only";
import type { Redis } from "ioredis";

/** Channel-based publish/subscribe: across instances over Redis, or within this process. */
export interface PubSub {
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is live; returns the unsubscribe function. */
  subscribe(channel: string, handler: (message: string) => void): Promise<() => void>;
  close(): Promise<void>;
}

export function createMemoryPubSub(): PubSub {
  const channels = new Map<string, Set<(message: string) => void>>();
  return {
    async publish(channel, message) {
      for (const handler of channels.get(channel) ?? []) handler(message);
    },
    async subscribe(channel, handler) {
      let set = channels.get(channel);
      if (!set) channels.set(channel, (set = new Set()));
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size === 0) channels.delete(channel);
      };
    },
    async close() {
      channels.clear();
    },
  };
}

/**
 * Redis pub/sub multiplexed over one subscriber connection (a subscribed connection can do
 * nothing else, so it is a duplicate of the command client).
 */
export function createRedisPubSub(client: Redis): PubSub {
  const sub = client.duplicate();
  const channels = new Map<string, Set<(message: string) => void>>();
  sub.on("message", (channel: string, message: string) => {
    for (const handler of channels.get(channel) ?? []) handler(message);
  });
  sub.on("error", () => {
    // The command client logs connection problems; reconnects are automatic.
  });
  return {
    async publish(channel, message) {
      await client.publish(channel, message);
    },
    async subscribe(channel, handler) {
      let set = channels.get(channel);
      if (!set) {
        channels.set(channel, (set = new Set()));
        try {
          await sub.subscribe(channel);
        } catch (error) {
          // Not subscribed (Redis down): the next subscriber must try again, not join a dead set.
          if (channels.get(channel) === set && set.size === 0) channels.delete(channel);
          throw error;
        }
      }
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size === 0 && channels.get(channel) === set) {
          channels.delete(channel);
          void sub.unsubscribe(channel).catch(() => {});
        }
      };
    },
    async close() {
      channels.clear();
      sub.disconnect();
    },
  };
}
