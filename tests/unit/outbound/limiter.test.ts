import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { createOutboundLimiter } from "@/lib/outbound/limiter";
import { createMemoryOutboundStore } from "@/lib/outbound/window-store";

const MODEL = "claude-limited";

function limiter(
  limits: Record<string, { rpm?: number; itpm?: number; otpm?: number }>,
  windowMs = 200,
) {
  const waits: { ms: number; outcome: string }[] = [];
  const store = createMemoryOutboundStore(windowMs);
  const l = createOutboundLimiter({
    store,
    limits,
    maxPollMs: 20,
    onWait: (_model, ms, outcome) => waits.push({ ms, outcome }),
  });
  return { l, store, waits };
}

describe("createOutboundLimiter on the in-process store", () => {
  it("admits calls under the limit at once, and counts them per window", async () => {
    const { l, waits } = limiter({ [MODEL]: { rpm: 3 } }, 60_000);
    for (let i = 0; i < 3; i++) {
      const permit = await l.acquire({ model: MODEL, teamId: "t", inputTokens: 10 });
      expect(permit.waitedMs).toBe(0);
    }
    expect(waits).toEqual([]);
    const refused = await l
      .acquire({ model: MODEL, teamId: "t", inputTokens: 10, maxWaitMs: 0 })
      .catch((e: unknown) => e);
    expect(isAppError(refused) && refused.code).toBe("upstream_rate_limited");
    expect(isAppError(refused) && refused.status).toBe(429);
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
  });

  it("applies the * row to models without their own, and no limit when neither is set", async () => {
    const { l } = limiter({ "*": { rpm: 1 } }, 60_000);
    await l.acquire({ model: "a", teamId: "t", inputTokens: 1 });
    await expect(
      l.acquire({ model: "a", teamId: "t", inputTokens: 1, maxWaitMs: 0 }),
    ).rejects.toThrow(/outbound rate limit for a/);
    const free = limiter({ other: { rpm: 1 } }, 60_000).l;
    for (let i = 0; i < 5; i++) await free.acquire({ model: "a", teamId: "t", inputTokens: 1 });
  });

  it("lets waiting calls through as the window slides, and fails one that outwaits its bound with 429", async () => {
    const { l, waits } = limiter({ [MODEL]: { rpm: 2 } }, 200);
    const admitted = await Promise.all(
      Array.from({ length: 6 }, () => l.acquire({ model: MODEL, teamId: "t", inputTokens: 1 })),
    );
    expect(admitted.filter((p) => p.waitedMs > 0)).toHaveLength(4);
    expect(waits.every((w) => w.outcome === "admitted")).toBe(true);

    const { l: tight } = limiter({ [MODEL]: { rpm: 1 } }, 60_000);
    await tight.acquire({ model: MODEL, teamId: "t", inputTokens: 1 });
    const error = await tight
      .acquire({ model: MODEL, teamId: "t", inputTokens: 1, maxWaitMs: 30 })
      .catch((e: unknown) => e);
    expect(isAppError(error) && error.code).toBe("upstream_rate_limited");
    expect((error as Error).message).toMatch(/waited/);
    expect(tight.waiting()).toBe(0);
  });

  it("serves teams in turn when a model is saturated: one team's burst does not starve another", async () => {
    const { l } = limiter({ [MODEL]: { rpm: 1 } }, 60);
    await l.acquire({ model: MODEL, teamId: "busy", inputTokens: 1 });
    const order: string[] = [];
    const burst = Array.from({ length: 4 }, (_, i) =>
      l
        .acquire({ model: MODEL, teamId: "busy", inputTokens: 1 })
        .then(() => order.push(`busy${i}`)),
    );
    const quiet = l
      .acquire({ model: MODEL, teamId: "quiet", inputTokens: 1 })
      .then(() => order.push("quiet"));
    await Promise.all([...burst, quiet]);
    // The quiet team's one call came second, not after the busy team's whole burst.
    expect(order.indexOf("quiet")).toBeLessThanOrEqual(1);
  });

  it("weighs input tokens by the estimate, then by the real count once settled", async () => {
    const { l } = limiter({ [MODEL]: { itpm: 100 } }, 60_000);
    const permit = await l.acquire({ model: MODEL, teamId: "t", inputTokens: 90 });
    await expect(
      l.acquire({ model: MODEL, teamId: "t", inputTokens: 20, maxWaitMs: 0 }),
    ).rejects.toThrow();
    permit.settle({ inputTokens: 10, outputTokens: 5 });
    await new Promise((r) => setTimeout(r, 0));
    await l.acquire({ model: MODEL, teamId: "t", inputTokens: 20, maxWaitMs: 0 });
  });

  it("holds a model's calls until the hold ends, and lets a call abort its wait", async () => {
    const { l } = limiter({}, 60_000);
    l.hold(MODEL, 80);
    await new Promise((r) => setTimeout(r, 0));
    const controller = new AbortController();
    const aborted = l.acquire({
      model: MODEL,
      teamId: "t",
      inputTokens: 1,
      signal: controller.signal,
    });
    controller.abort(new Error("gone"));
    await expect(aborted).rejects.toThrow("gone");
    const permit = await l.acquire({ model: MODEL, teamId: "t", inputTokens: 1 });
    expect(permit.waitedMs).toBeGreaterThan(0);
    await l.acquire({ model: "another", teamId: "t", inputTokens: 1, maxWaitMs: 0 });
  });
});
