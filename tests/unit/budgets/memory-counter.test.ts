import { describe, expect, it } from "vitest";
import { RESERVATION_TTL_MS, createMemoryBudgetCounter } from "@/lib/budgets/budget-counter";

const window = { key: "b1:2026-12-01", limit: 100, expireAt: Date.now() + 86_400_000 };

describe("the in-process budget counter", () => {
  it("asks to be seeded first, and a second seed does not count twice", async () => {
    const counter = createMemoryBudgetCounter();
    expect(await counter.reserve([window], "a", 10)).toEqual({ kind: "unseeded", indexes: [0] });
    await counter.seed(window, 40);
    await counter.seed(window, 40);
    expect(await counter.read(window)).toEqual({ spent: 40, reserved: 0 });
  });

  it("admits while spent plus reserved is below the limit, and settles once to the actual", async () => {
    const counter = createMemoryBudgetCounter();
    await counter.seed(window, 50);
    expect((await counter.reserve([window], "a", 30)).kind).toBe("ok");
    expect((await counter.reserve([window], "b", 30)).kind).toBe("ok");
    // 50 spent + 60 reserved: full until a call settles.
    expect(await counter.reserve([window], "c", 1)).toEqual({
      kind: "refused",
      index: 0,
      spent: 50,
    });
    expect(await counter.settle([window], "a", 5)).toEqual([55]);
    expect(await counter.read(window)).toEqual({ spent: 55, reserved: 30 });
    expect(await counter.settle([window], "b", 0)).toEqual([55]);
    expect(await counter.read(window)).toEqual({ spent: 55, reserved: 0 });
  });

  it("lets the reservation of a call that never settled expire", async () => {
    let now = 1_000;
    const counter = createMemoryBudgetCounter(() => now);
    const w = { ...window, expireAt: now + 10 * RESERVATION_TTL_MS };
    await counter.seed(w, 0);
    expect((await counter.reserve([w], "lost", 100)).kind).toBe("ok");
    expect((await counter.reserve([w], "next", 1)).kind).toBe("refused");
    now += RESERVATION_TTL_MS + 1;
    expect((await counter.reserve([w], "next", 1)).kind).toBe("ok");
  });

  it("reserves on every window or on none", async () => {
    const counter = createMemoryBudgetCounter();
    const full = { ...window, key: "b2:2026-12", limit: 10 };
    await counter.seed(window, 0);
    await counter.seed(full, 10);
    expect((await counter.reserve([window, full], "a", 5)).kind).toBe("refused");
    expect(await counter.read(window)).toEqual({ spent: 0, reserved: 0 });
  });
});
