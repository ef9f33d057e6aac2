/**
 * Output-token ceilings are a guard against absurd max_tokens, not a second opinion on the API:
 * the gateway must never refuse what the API accepts (a Python SDK user's 40,000 tokens on
 * `claude-haiku-4-5-20251001` was refused at 32,000 because the table did not know the dated id).
 */
import { describe, expect, it } from "vitest";
import { CUSTOM_MODEL_MAX_OUTPUT_TOKENS, maxOutputTokens } from "@/lib/agents/models";

describe("maxOutputTokens", () => {
  it("gives current models the API's 128K and Haiku 4.5 its 64K", () => {
    for (const id of [
      "claude-opus-4-6",
      "claude-opus-4-8",
      "claude-sonnet-4-6",
      "claude-opus-5-5",
    ]) {
      expect(maxOutputTokens(id), id).toBe(128_000);
    }
    expect(maxOutputTokens("claude-haiku-4-5")).toBe(64_000);
  });

  it("reads a dated id as its model's alias, configured ceilings included", () => {
    expect(maxOutputTokens("claude-haiku-4-5-20251001")).toBe(64_000);
    expect(maxOutputTokens("claude-haiku-4-5-20251001", { "claude-haiku-4-5": 500 })).toBe(500);
    expect(maxOutputTokens("claude-haiku-4-5-20251001", { "claude-haiku-4-5-20251001": 700 })).toBe(
      700,
    );
  });

  it("gives ids the table does not know the API's highest ceiling, so only the upstream refuses them", () => {
    expect(CUSTOM_MODEL_MAX_OUTPUT_TOKENS).toBe(128_000);
    expect(maxOutputTokens("claude-fable-5")).toBe(128_000);
    expect(maxOutputTokens("claude-sonnet-4-5-20250929")).toBe(128_000);
    expect(maxOutputTokens("my-custom-model", { "*": 300 })).toBe(300);
  });
});
