import { Redis } from "ioredis";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLimiter } from "@/lib/ratelimit/limiter";
import type { FailMode } from "@/lib/ratelimit/types";

// Nothing listens on port 1: connections are refused at once.
const UNREACHABLE = "redis://127.0.0.1:1";
const clients: Redis[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

function unreachableClient(options: { failFast: boolean }) {
  const client = new Redis(UNREACHABLE, {
    // failFast mirrors lib/redis: one reconnect attempt per command, then an error.
    ...(options.failFast ? { maxRetriesPerRequest: 1 } : {}),
    connectTimeout: 1_000,
  });
  client.on("error", () => {}); // expected: the point of the test
  clients.push(client);
  return client;
}

describe.each<FailMode>(["open", "closed"])(
  "a limiter failing %s on an unreachable Redis",
  (failMode) => {
    it("decides with reason store-error within a second when the client fails fast", async () => {
      const onStoreError = vi.fn();
      const limiter = createLimiter({
        store: { kind: "redis", client: unreachableClient({ failFast: true }) },
        prefix: "test:ratelimit:unreachable",
        limit: 10,
        window: "60 s",
        failMode,
        timeoutMs: 3_000,
        onStoreError,
      });

      const started = performance.now();
      const result = await limiter.limit("user-1");
      const elapsed = performance.now() - started;

      expect(result).toMatchObject({ success: failMode === "open", reason: "store-error" });
      expect(elapsed).toBeLessThan(1_000);
      expect(onStoreError).toHaveBeenCalledOnce();
    });

    it("decides with reason timeout by the deadline when the client queues commands instead", async () => {
      const limiter = createLimiter({
        store: { kind: "redis", client: unreachableClient({ failFast: false }) },
        prefix: "test:ratelimit:unreachable",
        limit: 10,
        window: "60 s",
        failMode,
        timeoutMs: 300,
      });

      const started = performance.now();
      const result = await limiter.limit("user-1");
      const elapsed = performance.now() - started;

      expect(result).toMatchObject({ success: failMode === "open", reason: "timeout" });
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(1_000);
    });
  },
);
