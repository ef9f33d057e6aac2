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
    it("decides with reason store-error, before its own deadline, when the client fails fast", async () => {
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

      const result = await limiter.limit("user-1");

      // Had the client queued the command instead of failing, the 3 s deadline would have
      // decided first, with reason "timeout".
      expect(result).toMatchObject({ success: failMode === "open", reason: "store-error" });
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

      // The client never answers (it queues while reconnecting): only the deadline can decide.
      expect(result).toMatchObject({ success: failMode === "open", reason: "timeout" });
      expect(elapsed).toBeGreaterThanOrEqual(290);
    });
  },
);
