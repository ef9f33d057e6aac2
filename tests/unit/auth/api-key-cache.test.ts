import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createApiKeyCache } from "@/lib/auth/api-key-cache";

const key = { id: "k1", teamId: "t1", role: "member" as const, revoked: false, lastUsedAt: null };

describe("the API-key cache", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("stops answering fresh at its TTL but keeps the lookup for outages within the stale window", () => {
    const cache = createApiKeyCache({ ttlMs: 1_000, staleMs: 5_000 });
    cache.set("h", key);
    expect(cache.get("h")).toEqual(key);
    vi.advanceTimersByTime(1_001);
    expect(cache.get("h")).toBeUndefined();
    expect(cache.getStale("h")).toEqual(key);
    vi.advanceTimersByTime(5_000);
    expect(cache.getStale("h")).toBeUndefined();
  });

  it("never serves a key stale past the key's own expiry", () => {
    const cache = createApiKeyCache({ ttlMs: 1_000, staleMs: 60_000 });
    cache.set("h", key, undefined, Date.now() + 2_000);
    vi.advanceTimersByTime(2_001);
    expect(cache.getStale("h")).toBeUndefined();
  });

  it("forgets a revoked key, stale copy included", () => {
    const cache = createApiKeyCache({ ttlMs: 1_000, staleMs: 60_000 });
    cache.set("h", key);
    cache.forget("k1");
    expect(cache.getStale("h")).toBeUndefined();
  });
});
