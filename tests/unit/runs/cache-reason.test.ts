import { describe, expect, it } from "vitest";
import { cacheReason } from "@/lib/runs/cache-reason";

describe("cacheReason", () => {
  const skipped = (model: string) =>
    cacheReason("bypass", { model, temperature: 0.7, cache: { enabled: false } });

  it("says an agent above temperature 0 samples, on a model that takes a temperature", () => {
    expect(skipped("claude-sonnet-4-6")).toMatch(/samples at temperature 0\.7/);
  });

  it("says the temperature was not sent on a model that takes none (Opus 4.7 and later)", () => {
    const reason = skipped("claude-sonnet-5-5");
    expect(reason).toMatch(/set to temperature 0\.7 \(not sent: its model takes none\)/);
    expect(reason).not.toMatch(/samples/);
  });
});
