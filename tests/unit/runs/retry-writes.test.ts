import { describe, expect, it } from "vitest";
import { retryWhileUnavailable } from "@/lib/runs/retry-writes";

const unavailable = () =>
  Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

function clock() {
  let t = 0;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    slept,
  };
}

describe("retryWhileUnavailable", () => {
  it("tries a write again while the database is unavailable, with a capped backoff, and tells once", async () => {
    const c = clock();
    let calls = 0;
    let told = 0;
    const result = await retryWhileUnavailable(
      async () => {
        calls += 1;
        if (calls < 7) throw unavailable();
        return "written";
      },
      { until: 60_000, now: c.now, sleep: c.sleep, onOutage: () => told++ },
    );
    expect(result).toBe("written");
    expect(c.slept).toEqual([100, 200, 400, 800, 1600, 2000]);
    expect(told).toBe(1);
  });

  it("throws any other error at once", async () => {
    const c = clock();
    await expect(
      retryWhileUnavailable(
        async () => {
          throw new Error("unique constraint failed");
        },
        { until: 60_000, now: c.now, sleep: c.sleep },
      ),
    ).rejects.toThrow("unique constraint");
    expect(c.slept).toEqual([]);
  });

  it("gives up at the deadline with the database's error", async () => {
    const c = clock();
    await expect(
      retryWhileUnavailable(
        async () => {
          throw unavailable();
        },
        { until: 5_000, now: c.now, sleep: c.sleep },
      ),
    ).rejects.toThrow("ECONNREFUSED");
    expect(c.now()).toBeLessThanOrEqual(5_000);
  });
});
