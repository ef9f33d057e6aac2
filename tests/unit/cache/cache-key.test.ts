import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cacheKey, canonicalJson } from "@/lib/cache/cache-key";
import { makeRequest } from "./fixtures/model";

const tool = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } } },
};

describe("canonicalJson", () => {
  it("sorts keys recursively and drops undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[3,{"z":1}]},"b":1}',
    );
  });

  it("writes numbers in one stable form", () => {
    expect(canonicalJson([1.0, 0.1 + 0.2, -0, 1e21, Number.NaN])).toBe(
      "[1,0.30000000000000004,0,1e+21,null]",
    );
  });

  it("gives the same string for any key order of the same value", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(record));
        expect(JSON.parse(canonicalJson(record))).toEqual(JSON.parse(JSON.stringify(record)));
      }),
    );
  });

  it("refuses cycles instead of overflowing the stack", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/);
  });
});

describe("cacheKey", () => {
  const base = makeRequest({
    system: "Be brief.",
    temperature: 0,
    top_p: 0.9,
    top_k: 40,
    stop_sequences: ["END"],
    tools: [tool],
    tool_choice: { type: "auto" },
  });

  it("is 64 hex characters", () => {
    expect(cacheKey(base, { tenant: "team_a" })).toMatch(/^[0-9a-f]{64}$/);
  });

  it("does not depend on property order or on undefined members", () => {
    const shuffled = Object.fromEntries(Object.entries(base).reverse()) as typeof base;
    const withUndefined = { ...base, thinking: undefined };
    expect(cacheKey(shuffled, { tenant: "team_a" })).toBe(cacheKey(base, { tenant: "team_a" }));
    expect(cacheKey(withUndefined, { tenant: "team_a" })).toBe(
      cacheKey(base, { tenant: "team_a" }),
    );
  });

  it("keeps every body field, including ones it does not know, and the anthropic-beta list", () => {
    const unknown = { ...base, context_management: { edits: [] } };
    expect(cacheKey(unknown as typeof base, { tenant: "t" })).not.toBe(
      cacheKey(base, { tenant: "t" }),
    );
    const plain = cacheKey(base, { tenant: "t" });
    const beta = cacheKey(base, { tenant: "t", beta: "interleaved-thinking-2025-05-14" });
    expect(beta).not.toBe(plain);
    // The beta list is a set: order and spacing do not matter.
    expect(cacheKey(base, { tenant: "t", beta: "b-1,a-2" })).toBe(
      cacheKey(base, { tenant: "t", beta: " a-2 , b-1" }),
    );
  });

  it("gives count_tokens its own key", () => {
    expect(cacheKey(base, { tenant: "t", endpoint: "count_tokens" })).not.toBe(
      cacheKey(base, { tenant: "t" }),
    );
  });

  it("ignores metadata and the stream flag", () => {
    const noisy = {
      ...base,
      metadata: { user_id: "u_1" },
      stream: true,
    };
    expect(cacheKey(noisy as typeof base, { tenant: "team_a" })).toBe(
      cacheKey(base, { tenant: "team_a" }),
    );
  });

  const changes: [string, Record<string, unknown>][] = [
    ["model", { model: "claude-haiku-4-5" }],
    ["system", { system: "Be verbose." }],
    ["messages", { messages: [{ role: "user", content: "Say goodbye" }] }],
    ["temperature", { temperature: 0.5 }],
    ["max_tokens", { max_tokens: 257 }],
    ["top_p", { top_p: 0.8 }],
    ["top_k", { top_k: 41 }],
    ["stop_sequences", { stop_sequences: ["STOP"] }],
    ["tools", { tools: [{ ...tool, description: "Weather for a town" }] }],
    ["tool_choice", { tool_choice: { type: "any" } }],
    ["thinking", { thinking: { type: "enabled", budget_tokens: 1024 } }],
  ];
  it.each(changes)("changes when %s changes", (_field, change) => {
    expect(cacheKey({ ...base, ...change } as typeof base, { tenant: "team_a" })).not.toBe(
      cacheKey(base, { tenant: "team_a" }),
    );
  });

  it("changes with the tenant", () => {
    expect(cacheKey(base, { tenant: "team_b" })).not.toBe(cacheKey(base, { tenant: "team_a" }));
  });
});
