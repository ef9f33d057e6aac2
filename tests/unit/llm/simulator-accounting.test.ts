/**
 * The simulator's bookkeeping, on an injected clock: rate-limit buckets and their headers, the
 * prompt-cache usage split, tool choice, and the models list.
 */
import { describe, expect, it } from "vitest";
import { countInputTokens } from "@/lib/llm/simulator";
import { RateLimits, parseLimitTable } from "@/lib/llm/simulator/limits";
import { listModels, SIMULATED_MODELS } from "@/lib/llm/simulator/models";
import { PromptCache } from "@/lib/llm/simulator/prompt-cache";
import type { SimRequest } from "@/lib/llm/simulator/request";
import { chooseTool } from "@/lib/llm/simulator/tools";

function clock(start = Date.parse("2026-12-01T00:00:00Z")) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe("rate limits", () => {
  it("admits rpm requests per minute, then answers with retry-after until the bucket refills", () => {
    const c = clock();
    const limits = new RateLimits({ "claude-a": { rpm: 2 } }, c.now);
    expect(limits.admit("claude-a", 10).ok).toBe(true);
    const second = limits.admit("claude-a", 10);
    expect(second.ok).toBe(true);
    expect(second.headers["anthropic-ratelimit-requests-remaining"]).toBe("0");
    expect(second.headers["anthropic-ratelimit-requests-limit"]).toBe("2");
    const third = limits.admit("claude-a", 10);
    expect(third.ok).toBe(false);
    expect(third.headers["retry-after"]).toBe("30");
    expect(third.ok === false && third.message).toContain("2 requests per minute");
    // Other models have their own (default) buckets.
    expect(limits.admit("claude-b", 10).ok).toBe(true);
    c.advance(30_000);
    expect(limits.admit("claude-a", 10).ok).toBe(true);
  });

  it("charges input at admission and output after the answer", () => {
    const c = clock();
    const limits = new RateLimits({ "*": { itpm: 100, otpm: 50 } }, c.now);
    expect(limits.admit("m", 80).ok).toBe(true);
    const refused = limits.admit("m", 30);
    expect(refused.ok).toBe(false);
    expect(refused.ok === false && refused.message).toContain("100 input tokens per minute");
    limits.settle("m", 60);
    c.advance(6_000); // +10 input, +5 output
    const out = limits.admit("m", 1);
    expect(out.ok).toBe(false);
    expect(out.ok === false && out.message).toContain("output tokens per minute");
    expect(out.headers["retry-after"]).toBe("8"); // from -5 to 1 at 50/min: 7.2 s
  });

  it("sends every anthropic-ratelimit-* header with RFC 3339 resets", () => {
    const c = clock();
    const limits = new RateLimits({ m: { rpm: 60 } }, c.now);
    const { headers } = limits.admit("m", 5);
    for (const kind of ["requests", "input-tokens", "output-tokens", "tokens"]) {
      expect(headers[`anthropic-ratelimit-${kind}-limit`]).toBeDefined();
      expect(headers[`anthropic-ratelimit-${kind}-remaining`]).toBeDefined();
      expect(String(headers[`anthropic-ratelimit-${kind}-reset`])).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      );
    }
    expect(headers["anthropic-ratelimit-requests-reset"]).toBe("2026-12-01T00:00:01Z");
  });

  it("rejects a malformed limit table, naming the field", () => {
    expect(() => parseLimitTable({ m: { rpm: 0 } })).toThrow("m.rpm: must be an integer >= 1");
    expect(() => parseLimitTable({ m: { tpm: 5 } })).toThrow("m.tpm: unknown limit");
    expect(() => parseLimitTable([])).toThrow("limits must be an object");
  });
});

const base = (more: Partial<SimRequest> = {}): SimRequest => ({
  model: "claude-sim",
  max_tokens: 64,
  messages: [{ role: "user", content: "Summarize the plan in one line." }],
  ...more,
});

describe("prompt caching", () => {
  const longSystem = [
    { type: "text", text: "x".repeat(4000), cache_control: { type: "ephemeral" } },
  ];

  it("writes the marked prefix once, then reads it; the parts add up to count_tokens", () => {
    const c = clock();
    const cache = new PromptCache(c.now);
    const request = base({ system: longSystem });
    const total = countInputTokens(request);
    const first = cache.usage(request, total);
    first.commit();
    expect(first.usage.cache_creation_input_tokens).toBe(1000);
    expect(first.usage.cache_creation.ephemeral_5m_input_tokens).toBe(1000);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    const second = cache.usage(request, total).usage;
    expect(second.cache_read_input_tokens).toBe(1000);
    expect(second.cache_creation_input_tokens).toBe(0);
    expect(second.input_tokens + second.cache_read_input_tokens).toBe(total);
    c.advance(5 * 60_000 + 1);
    expect(cache.usage(request, total).usage.cache_creation_input_tokens).toBe(1000);
  });

  it("does not remember a prefix until the request is committed (admitted)", () => {
    const cache = new PromptCache();
    const request = base({ system: longSystem });
    cache.usage(request, countInputTokens(request));
    expect(cache.usage(request, countInputTokens(request)).usage.cache_read_input_tokens).toBe(0);
  });

  it("counts a 1h breakpoint as a 1h write, and top-level cache_control caches the whole prompt", () => {
    const cache = new PromptCache();
    const hour = base({
      system: [
        { type: "text", text: "y".repeat(400), cache_control: { type: "ephemeral", ttl: "1h" } },
      ],
    });
    const u = cache.usage(hour, countInputTokens(hour)).usage;
    expect(u.cache_creation.ephemeral_1h_input_tokens).toBe(100);
    const auto = base({ cache_control: { type: "ephemeral" } });
    const total = countInputTokens(auto);
    expect(cache.usage(auto, total).usage).toMatchObject({
      input_tokens: 0,
      cache_creation_input_tokens: total,
    });
  });

  it("reports no cache usage without cache_control", () => {
    const request = base();
    const u = new PromptCache().usage(request, countInputTokens(request)).usage;
    expect(u.cache_creation_input_tokens + u.cache_read_input_tokens).toBe(0);
    expect(u.input_tokens).toBe(countInputTokens(request));
  });
});

describe("tool choice", () => {
  const tools = [
    {
      name: "Bash",
      input_schema: {
        type: "object",
        properties: { command: { type: "string" }, timeout: { type: "number" } },
        required: ["command"],
      },
    },
    {
      name: "get_weather",
      input_schema: { type: "object", properties: { city: { type: "string" } } },
    },
  ];

  it("calls the tool a marker names, with its argument", () => {
    expect(chooseTool(base({ tools }), { tool: "Bash", toolArg: "echo hi" })).toEqual({
      name: "Bash",
      input: { command: "echo hi" },
    });
  });

  it("calls a tool the prompt asks for, or the one tool_choice forces", () => {
    const asked = base({
      tools,
      messages: [{ role: "user", content: "Please use the get_weather tool." }],
    });
    expect(chooseTool(asked, undefined)?.name).toBe("get_weather");
    expect(chooseTool(base({ tools, tool_choice: { type: "any" } }), undefined)?.name).toBe("Bash");
    expect(
      chooseTool(base({ tools, tool_choice: { type: "tool", name: "get_weather" } }), undefined)
        ?.input,
    ).toEqual({ city: "sim city" });
    expect(chooseTool(base({ tools }), undefined)).toBeUndefined();
  });

  it("answers in words once the tool's result is back (the loop ends)", () => {
    const after = base({
      tools,
      messages: [
        { role: "user", content: "Run it [[sim:tool=Bash]]" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Bash", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "ok" }] },
      ],
    });
    expect(chooseTool(after, { tool: "Bash" })).toBeUndefined();
  });
});

describe("models", () => {
  it("pages the list with first_id, last_id and has_more", () => {
    const first = listModels(new URLSearchParams("limit=3"));
    expect(first.data.map((m) => m.id)).toEqual(SIMULATED_MODELS.slice(0, 3).map((m) => m.id));
    expect(first).toMatchObject({ has_more: true, first_id: SIMULATED_MODELS[0]!.id });
    const next = listModels(new URLSearchParams(`limit=3&after_id=${first.last_id}`));
    expect(next.first_id).toBe(SIMULATED_MODELS[3]!.id);
    const back = listModels(new URLSearchParams(`limit=2&before_id=${next.first_id}`));
    expect(back.data.map((m) => m.id)).toEqual([SIMULATED_MODELS[1]!.id, SIMULATED_MODELS[2]!.id]);
    const all = listModels(new URLSearchParams("limit=1000"));
    expect(all.has_more).toBe(false);
    expect(all.data[0]).toEqual({
      type: "model",
      id: "claude-opus-5-5",
      display_name: "Claude Opus 5.5",
      created_at: "2026-10-01T00:00:00Z",
    });
    expect(() => listModels(new URLSearchParams("limit=0"))).toThrow("limit:");
  });
});
