import { describe, expect, it } from "vitest";
import { createStreamQuota, releasingWhenDone } from "@/lib/http/stream-quota";

const holder = (principal: string, teamId = "t1") => ({ teamId, principal });

describe("createStreamQuota", () => {
  it("refuses a principal's stream past its cap with 429 and a retry-after, and takes it back on release", () => {
    const quota = createStreamQuota({ perPrincipal: 2, perTeam: 10 });
    const first = quota.open(holder("key:a"));
    quota.open(holder("key:a"));
    expect(() => quota.open(holder("key:a"))).toThrow(
      expect.objectContaining({ code: "rate_limited", retryAfterMs: 5000 }),
    );
    // Another principal of the team is not affected by a's cap.
    quota.open(holder("key:b"));
    first();
    first(); // a second release changes nothing
    quota.open(holder("key:a"));
    expect(quota.size()).toBe(3);
  });

  it("caps a team's streams across its principals", () => {
    const quota = createStreamQuota({ perPrincipal: 5, perTeam: 3 });
    for (const p of ["key:a", "key:b", "user:c"]) quota.open(holder(p));
    expect(() => quota.open(holder("user:d"))).toThrow(/Your team has too many open event streams/);
    // Other teams still open streams.
    quota.open(holder("key:a", "t2"));
  });
});

describe("releasingWhenDone", () => {
  async function* three() {
    yield 1;
    yield 2;
    yield 3;
  }

  it("releases once when the events run out", async () => {
    let released = 0;
    const seen: number[] = [];
    for await (const n of releasingWhenDone(three(), () => released++)) seen.push(n);
    expect(seen).toEqual([1, 2, 3]);
    expect(released).toBe(1);
  });

  it("releases when the consumer leaves early, even before the first event", async () => {
    let released = 0;
    const iterator = releasingWhenDone(three(), () => released++)[Symbol.asyncIterator]();
    await iterator.return?.();
    expect(released).toBe(1);
  });

  it("releases when the events fail", async () => {
    let released = 0;
    async function* failing() {
      yield 1;
      throw new Error("boom");
    }
    await expect(async () => {
      for await (const _ of releasingWhenDone(failing(), () => released++)) void _;
    }).rejects.toThrow("boom");
    expect(released).toBe(1);
  });
});
