import { describe, expect, it } from "vitest";
import { budgetWindow } from "@/lib/budgets/windows";

describe("budget windows are calendar days and months in the configured zone", () => {
  it("a UTC day runs from midnight to midnight", () => {
    const w = budgetWindow("day", new Date("2026-12-01T23:59:59.999Z"), "UTC");
    expect(w).toEqual({
      key: "2026-12-01",
      start: new Date("2026-12-01T00:00:00Z"),
      end: new Date("2026-12-02T00:00:00Z"),
    });
    expect(budgetWindow("day", new Date("2026-12-02T00:00:00Z"), "UTC").key).toBe("2026-12-02");
  });

  it("a day in New York resets at its local midnight", () => {
    // 03:00 UTC on 2 December is still 1 December in New York (UTC-5).
    const w = budgetWindow("day", new Date("2026-12-02T03:00:00Z"), "America/New_York");
    expect(w.key).toBe("2026-12-01");
    expect(w.start.toISOString()).toBe("2026-12-01T05:00:00.000Z");
    expect(w.end.toISOString()).toBe("2026-12-02T05:00:00.000Z");
  });

  it("a day on which the clocks change is 23 or 25 hours long", () => {
    const spring = budgetWindow("day", new Date("2026-03-29T12:00:00Z"), "Europe/Paris");
    expect(spring.end.getTime() - spring.start.getTime()).toBe(23 * 3_600_000);
    const autumn = budgetWindow("day", new Date("2026-10-25T12:00:00Z"), "Europe/Paris");
    expect(autumn.end.getTime() - autumn.start.getTime()).toBe(25 * 3_600_000);
  });

  it("a month runs from the first to the first, across a year's end", () => {
    const w = budgetWindow("month", new Date("2026-12-31T23:30:00Z"), "Asia/Tokyo");
    // 08:30 on 1 January in Tokyo.
    expect(w.key).toBe("2027-01");
    expect(w.start.toISOString()).toBe("2026-12-31T15:00:00.000Z");
    expect(w.end.toISOString()).toBe("2027-01-31T15:00:00.000Z");
    const dec = budgetWindow("month", new Date("2026-12-15T00:00:00Z"), "UTC");
    expect([dec.key, dec.end.toISOString()]).toEqual(["2026-12", "2027-01-01T00:00:00.000Z"]);
  });
});
