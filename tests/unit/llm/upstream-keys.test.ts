import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { createUpstreamKeys, parseKeyList } from "@/lib/llm/upstream-keys";

const limits = (remaining: number, limit = 100) =>
  new Headers({
    "anthropic-ratelimit-requests-limit": String(limit),
    "anthropic-ratelimit-requests-remaining": String(remaining),
  });

describe("parseKeyList", () => {
  it("trims, drops empties and repeats, keeps the order", () => {
    expect(parseKeyList(" sk-a, sk-b ,,sk-a,sk-c ")).toEqual(["sk-a", "sk-b", "sk-c"]);
    expect(parseKeyList("sk-only")).toEqual(["sk-only"]);
  });
});

describe("the upstream key pool", () => {
  it("spreads a burst over every key when nothing is known of their limits", () => {
    const keys = createUpstreamKeys(["a", "b", "c"]);
    const picked = Array.from({ length: 9 }, () => keys.pick());
    expect(picked.filter((k) => k === "a")).toHaveLength(3);
    expect(picked.filter((k) => k === "b")).toHaveLength(3);
    expect(picked.filter((k) => k === "c")).toHaveLength(3);
  });

  it("sends more calls to the key with more left, by what the answers said", () => {
    const keys = createUpstreamKeys(["a", "b"]);
    keys.done(keys.pick(), 200, limits(90));
    keys.done(keys.pick(), 200, limits(10));
    const counts = { a: 0, b: 0 } as Record<string, number>;
    // One at a time: each call is answered before the next is picked.
    for (let i = 0; i < 20; i++) {
      const key = keys.pick();
      counts[key]! += 1;
      keys.done(key, 200, limits(key === "a" ? 90 : 10));
    }
    expect(counts.a).toBe(20);
    // In flight, a's share shrinks with its load: b gets some once a is busy enough.
    const burst = Array.from({ length: 20 }, () => keys.pick());
    expect(burst.filter((k) => k === "b").length).toBeGreaterThan(0);
    expect(burst.filter((k) => k === "a").length).toBeGreaterThan(
      burst.filter((k) => k === "b").length,
    );
  });

  it("takes a refused key (401) out and reports it by position, never by value", () => {
    const keys = createUpstreamKeys(["sk-first", "sk-second", "sk-third"], () => 1_000);
    const key = keys.pick();
    expect(key).toBe("sk-first");
    keys.done(key, 401);
    expect(keys.hasOtherThan("sk-first")).toBe(true);
    const next = Array.from({ length: 6 }, () => keys.pick());
    expect(next).not.toContain("sk-first");
    expect(keys.primary()).toBe("sk-second");
    const report = keys.report();
    expect(report).toEqual({
      total: 3,
      active: 2,
      refused: [{ position: 1, since: new Date(1_000).toISOString() }],
    });
    expect(JSON.stringify(report)).not.toContain("sk-");
  });

  it("rests a key that answered 429 until its retry-after, then uses it again", () => {
    let now = 0;
    const keys = createUpstreamKeys(["a", "b"], () => now);
    const first = keys.pick();
    keys.done(first, 429, new Headers({ "retry-after": "5" }));
    for (let i = 0; i < 4; i++) keys.done(keys.pick(), 200);
    now = 1_000;
    expect(keys.pick()).not.toBe(first);
    now = 6_000;
    keys.done("b", 200);
    const after = Array.from({ length: 4 }, () => keys.pick());
    expect(after).toContain(first);
  });

  it("refuses with upstream_auth once every key is refused", () => {
    const keys = createUpstreamKeys(["a", "b"]);
    keys.refuse("a");
    keys.done(keys.pick(), 401);
    for (const call of [() => keys.pick(), () => keys.primary()]) {
      let thrown: unknown;
      try {
        call();
      } catch (error) {
        thrown = error;
      }
      expect(isAppError(thrown) && thrown.code).toBe("upstream_auth");
    }
    expect(keys.report().active).toBe(0);
  });
});
