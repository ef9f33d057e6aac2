import { describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/config";
import { emptyUsage, foldUsage } from "@/lib/llm/usage";
import { costOf, createPriceTable } from "@/lib/spend/price-table";
import prices from "@/lib/spend/prices.json";

describe("price table", () => {
  it("prices a call with cache writes (both TTLs) and reads at the table's rates, exactly", () => {
    const table = createPriceTable();
    const usage = {
      inputTokens: 1_000,
      outputTokens: 500,
      cacheWrite5mTokens: 2_000,
      cacheWrite1hTokens: 1_000,
      cacheReadTokens: 10_000,
    };
    const p = prices.models["claude-sonnet-5-5"];
    const expected =
      (1_000 * p.input +
        500 * p.output +
        2_000 * p.cacheWrite5m +
        1_000 * p.cacheWrite1h +
        10_000 * p.cacheRead) /
      1_000_000;
    expect(table.cost("claude-sonnet-5-5", usage)).toBe(expected);
    // $2 in, $10 out, $2.50 / $4 to write for 5 min / 1 h, $0.10 to read, per million tokens.
    expect(expected).toBe((2_000 + 5_000 + 5_000 + 4_000 + 1_000) / 1_000_000);
    expect(table.cost("claude-sonnet-5-5", usage, { batch: true })).toBe(expected * 0.5);
  });

  it("matches the longest prefix, dated ids included, and never prices a model at zero", () => {
    const table = createPriceTable();
    expect(table.priceOf("claude-opus-4-5-20251101").input).toBe(5);
    expect(table.priceOf("claude-opus-4-1").input).toBe(15);
    expect(table.priceOf("claude-sonnet-5-5").cacheRead).toBe(0.1);
    expect(table.priceOf("claude-sonnet-5").cacheRead).toBe(0.2);
    expect(table.priceOf("sim-model").input).toBeGreaterThan(0);
  });

  it("takes configured prices over the table, deriving omitted cache rates from input", () => {
    const env = parseEnv({
      MODEL_PRICES: '{"claude-haiku-4-5":{"input":2,"output":8},"*":{"input":1,"output":1}}',
    });
    const table = createPriceTable(env.MODEL_PRICES);
    expect(table.priceOf("claude-haiku-4-5")).toEqual({
      input: 2,
      output: 8,
      cacheWrite5m: 2.5,
      cacheWrite1h: 4,
      cacheRead: 0.2,
    });
    expect(table.priceOf("unknown").output).toBe(1);
    expect(
      costOf(table.priceOf("claude-haiku-4-5"), { ...emptyUsage(), inputTokens: 1_000_000 }),
    ).toBe(2);
  });

  it("refuses MODEL_PRICES that is not JSON or names a bad field", () => {
    expect(() => parseEnv({ MODEL_PRICES: "{" })).toThrow(/MODEL_PRICES: is not JSON/);
    expect(() => parseEnv({ MODEL_PRICES: '{"m":{"input":-1,"output":1}}' })).toThrow(
      /MODEL_PRICES: m\.input/,
    );
    expect(() => parseEnv({ MODEL_PRICES: '{"m":{"input":1,"output":1,"cache":1}}' })).toThrow(
      /MODEL_PRICES/,
    );
  });
});

describe("foldUsage", () => {
  it("splits cache writes by TTL when the usage says so, else counts them as 5-minute writes", () => {
    const split = emptyUsage();
    foldUsage(split, {
      input_tokens: 10,
      output_tokens: 1,
      cache_creation_input_tokens: 300,
      cache_read_input_tokens: 50,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
    });
    expect(split).toEqual({
      inputTokens: 10,
      outputTokens: 1,
      cacheWrite5mTokens: 100,
      cacheWrite1hTokens: 200,
      cacheReadTokens: 50,
    });
    const plain = emptyUsage();
    foldUsage(plain, { input_tokens: 10, cache_creation_input_tokens: 300 });
    foldUsage(plain, { output_tokens: 7 });
    expect(plain).toMatchObject({
      cacheWrite5mTokens: 300,
      cacheWrite1hTokens: 0,
      outputTokens: 7,
    });
  });
});
