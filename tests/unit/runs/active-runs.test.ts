import { describe, expect, it } from "vitest";
import type { PubSub } from "@/lib/redis/pubsub";
import type { RunHandedOff } from "@/lib/runs/active-runs";
import { createActiveRuns, isHandedOff } from "@/lib/runs/active-runs";

const quietPubSub: PubSub = {
  publish: async () => {},
  subscribe: async () => () => {},
  close: async () => {},
};

const aborted = (signal: AbortSignal) =>
  new Promise<unknown>((resolve) => {
    if (signal.aborted) return resolve(signal.reason);
    signal.addEventListener("abort", () => resolve(signal.reason), { once: true });
  });

describe("ActiveRuns", () => {
  it("hands off a run whose lease renewal found another owner, and only that run", async () => {
    const renewed: string[][] = [];
    const runs = await createActiveRuns({
      pubsub: quietPubSub,
      heartbeatMs: 5,
      heartbeat: async (ids) => {
        renewed.push(ids);
        return ids.filter((id) => id === "claimed-elsewhere");
      },
    });
    const lost = runs.register("claimed-elsewhere");
    const kept = runs.register("still-mine");

    const reason = await aborted(lost);
    expect(isHandedOff(reason)).toBe(true);
    expect((reason as RunHandedOff).why).toBe("lease-lost");
    expect(kept.aborted).toBe(false);
    expect(renewed[0]).toEqual(["claimed-elsewhere", "still-mine"]);
    await runs.close();
  });

  it("keeps executing through a renewal that failed (the database is down): the lease is not lost yet", async () => {
    let beats = 0;
    const runs = await createActiveRuns({
      pubsub: quietPubSub,
      heartbeatMs: 5,
      heartbeat: async () => {
        beats++;
        throw new Error("connection refused");
      },
    });
    const signal = runs.register("r1");
    while (beats < 3) await new Promise((r) => setTimeout(r, 5));
    expect(signal.aborted).toBe(false);
    await runs.close();
  });

  it("hands runs back at close rather than cancelling them; a cancel is a cancel", async () => {
    const runs = await createActiveRuns({ pubsub: quietPubSub, heartbeat: async () => [] });
    const cancelled = runs.register("cancelled-by-user");
    const open = runs.register("open-at-shutdown");
    await runs.cancel("cancelled-by-user");
    expect(isHandedOff(cancelled.reason)).toBe(false);

    await runs.close();
    expect(isHandedOff(open.reason)).toBe(true);
    expect((open.reason as RunHandedOff).why).toBe("released");
  });
});
