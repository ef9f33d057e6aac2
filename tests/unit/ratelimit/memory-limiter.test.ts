import { describe, expect, it } from "vitest";
import { createMemoryLimiter } from "@/lib/ratelimit/memory-limiter";

const WINDOW_MS = 60_000;
// A window boundary, so "start + x" reads as "x into the window".
const START = 1_700_000_040_000;

function clockAt(start: number) {
  let now = start;
  return { now: () => now, set: (ms: number) => void (now = ms) };
}

describe("createMemoryLimiter", () => {
  it("allows exactly the limit in one window, counting remaining down, then denies", async () => {
    const clock = clockAt(START + 1_000);
    const limiter = createMemoryLimiter({ limit: 5, window: "60 s", now: clock.now });

    const results = [];
    for (let i = 0; i < 8; i++) results.push(await limiter.limit("user-1"));

    expect(results.map((r) => r.success)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(results.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0, 0]);
    expect(results.every((r) => r.limit === 5 && r.reset === START + WINDOW_MS)).toBe(true);
  });

  it("keeps separate counts per identifier", async () => {
    const clock = clockAt(START);
    const limiter = createMemoryLimiter({ limit: 1, window: "60 s", now: clock.now });

    expect((await limiter.limit("a")).success).toBe(true);
    expect((await limiter.limit("a")).success).toBe(false);
    expect((await limiter.limit("b")).success).toBe(true);
  });

  it("weighs the previous window by how much of it still overlaps the sliding window", async () => {
    const clock = clockAt(START);
    const limiter = createMemoryLimiter({ limit: 10, window: "60 s", now: clock.now });
    for (let i = 0; i < 10; i++) await limiter.limit("user-1");

    // At the boundary the whole previous window still counts.
    clock.set(START + WINDOW_MS);
    expect((await limiter.limit("user-1")).success).toBe(false);

    // Halfway through, half of it (5) counts: 5 more are allowed.
    clock.set(START + WINDOW_MS * 1.5);
    const half = [];
    for (let i = 0; i < 7; i++) half.push((await limiter.limit("user-1")).success);
    expect(half.filter(Boolean)).toHaveLength(5);
  });

  it("recovers the whole limit once the previous window no longer overlaps", async () => {
    const clock = clockAt(START);
    const limiter = createMemoryLimiter({ limit: 3, window: "60 s", now: clock.now });
    for (let i = 0; i < 4; i++) await limiter.limit("user-1");

    clock.set(START + 2 * WINDOW_MS);
    const after = [];
    for (let i = 0; i < 4; i++) after.push(await limiter.limit("user-1"));

    expect(after.map((r) => r.success)).toEqual([true, true, true, false]);
    expect(after[0]?.reset).toBe(START + 3 * WINDOW_MS);
  });

  it("never holds more identifiers than maxIdentifiers, evicting the least recently seen", async () => {
    const clock = clockAt(START);
    const limiter = createMemoryLimiter({
      limit: 1,
      window: "60 s",
      maxIdentifiers: 3,
      now: clock.now,
    });
    for (const id of ["a", "b", "c"]) await limiter.limit(id);
    await limiter.limit("a"); // "b" is now the least recently seen
    await limiter.limit("d");

    expect(limiter.size()).toBe(3);
    expect((await limiter.limit("a")).success).toBe(false); // kept its count
    expect((await limiter.limit("b")).success).toBe(true); // was evicted and starts from zero
  });

  it("drops identifiers idle for more than a window", async () => {
    const clock = clockAt(START);
    const limiter = createMemoryLimiter({ limit: 5, window: "60 s", now: clock.now });
    for (let i = 0; i < 100; i++) await limiter.limit(`ip-${i}`);
    expect(limiter.size()).toBe(100);

    clock.set(START + 2 * WINDOW_MS);
    await limiter.limit("someone-new");

    expect(limiter.size()).toBe(1);
  });
});
