import { describe, expect, it } from "vitest";
import {
  InvalidRequest,
  MID_CONVERSATION_SYSTEM_BETA,
  UNEXPECTED_SYSTEM_ROLE,
  parseBetas,
  validateBody,
} from "@/lib/llm/simulator/validate";

const ok = { model: "claude-sim", max_tokens: 16, messages: [{ role: "user", content: "hi" }] };
const messages = { betas: [], endpoint: "messages" } as const;

/** The message the simulator answers a body with (or "ok"). */
function verdict(body: unknown, ctx: Parameters<typeof validateBody>[1] = messages): string {
  try {
    validateBody(body, ctx);
    return "ok";
  } catch (error) {
    if (!(error instanceof InvalidRequest)) throw error;
    return error.message;
  }
}

describe("request validation in the API's words", () => {
  it("refuses sampling parameters on the models that deprecated them, as the API does", () => {
    for (const model of [
      "claude-opus-4-7",
      "claude-opus-4-8",
      "claude-sonnet-5-5",
      "claude-fable-5",
    ]) {
      expect(verdict({ ...ok, model, temperature: 0 }), model).toBe(
        "`temperature` is deprecated for this model.",
      );
      expect(verdict({ ...ok, model, top_p: 0.9 }), model).toBe(
        "`top_p` is deprecated for this model.",
      );
      expect(verdict({ ...ok, model }), model).toBe("ok");
    }
    for (const model of [
      "claude-opus-4-6",
      "claude-sonnet-4-6",
      "claude-haiku-4-5",
      "claude-sim",
    ]) {
      expect(verdict({ ...ok, model, temperature: 0 }), model).toBe("ok");
    }
    // count_tokens takes the same body and counts it; the parameter does not change the count.
    const count = { betas: [], endpoint: "count_tokens" } as const;
    expect(
      verdict({ model: "claude-opus-4-8", messages: ok.messages, temperature: 0 }, count),
    ).toBe("ok");
  });

  it("accepts a minimal request and unknown (beta) fields", () => {
    expect(verdict(ok)).toBe("ok");
    expect(verdict({ ...ok, context_management: { edits: [] }, metadata: { user_id: "u" } })).toBe(
      "ok",
    );
  });

  it.each([
    [
      { ...ok, system: [null] },
      "system.0: Input should be a valid dictionary or object to extract fields from",
    ],
    [{ ...ok, system: [{ type: "text" }] }, "system.0.text: Field required"],
    [{ ...ok, system: 5 }, "system: Input should be a valid list"],
    [
      { ...ok, messages: [{ role: "user", content: 5 }] },
      "messages.0.content: Input should be a valid list",
    ],
    [
      { ...ok, messages: [{ role: "user", content: [null] }] },
      "messages.0.content.0: Input should be a valid dictionary or object to extract fields from",
    ],
    [
      { ...ok, messages: [{ role: "user", content: [{ text: "x" }] }] },
      "messages.0.content.0.type: Field required",
    ],
    [
      { ...ok, messages: [{ role: "user", content: [{ type: "text", text: 1 }] }] },
      "messages.0.content.0.text: Input should be a valid string",
    ],
    [
      { ...ok, messages: [{ role: "bot", content: "x" }] },
      "messages.0.role: Input should be 'user' or 'assistant'",
    ],
    [
      { ...ok, messages: [null] },
      "messages.0: Input should be a valid dictionary or object to extract fields from",
    ],
    [{ ...ok, messages: [] }, "messages: at least one message is required"],
    [{ ...ok, messages: undefined }, "messages: Field required"],
    [{ ...ok, model: undefined }, "model: Field required"],
    [{ ...ok, model: 7 }, "model: Input should be a valid string"],
    [{ ...ok, max_tokens: undefined }, "max_tokens: Field required"],
    [{ ...ok, max_tokens: 1.5 }, "max_tokens: Input should be a valid integer"],
    [{ ...ok, max_tokens: 0 }, "max_tokens: Input should be greater than or equal to 1"],
    [{ ...ok, temperature: 2 }, "temperature: Input should be less than or equal to 1"],
    [{ ...ok, temperature: "hot" }, "temperature: Input should be a valid number"],
    [{ ...ok, stream: "yes" }, "stream: Input should be a valid boolean"],
    [{ ...ok, stop_sequences: ["a", 1] }, "stop_sequences.1: Input should be a valid string"],
    [{ ...ok, tools: [{ name: "t" }] }, "tools.0.input_schema: Field required"],
    [
      { ...ok, tools: [null] },
      "tools.0: Input should be a valid dictionary or object to extract fields from",
    ],
    [
      { ...ok, tool_choice: { type: "some" } },
      "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'",
    ],
    [
      { ...ok, thinking: { type: "enabled", budget_tokens: 10 } },
      "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
    ],
    [
      { ...ok, max_tokens: 2000, thinking: { type: "enabled", budget_tokens: 4000 } },
      "`max_tokens` must be greater than `thinking.budget_tokens`",
    ],
    [[1, 2], "request body must be a JSON object"],
  ])("%j → %s", (body, message) => {
    expect(verdict(body)).toBe(message);
  });

  it("refuses a mid-conversation system message without the beta, in the words Claude Code falls back on", () => {
    const body = {
      ...ok,
      messages: [
        { role: "user", content: "hi" },
        { role: "system", content: "Be brief." },
        { role: "user", content: "again" },
      ],
    };
    const message = verdict(body);
    expect(message).toBe(UNEXPECTED_SYSTEM_ROLE);
    // Claude Code 2.1.x: `t.includes("Unexpected role") && t.includes("input message role")`.
    expect(message).toContain("Unexpected role");
    expect(message).toContain("input message role");
    expect(
      verdict(body, { betas: ["other-beta", MID_CONVERSATION_SYSTEM_BETA], endpoint: "messages" }),
    ).toBe("ok");
  });

  it("count_tokens needs no max_tokens", () => {
    expect(verdict({ ...ok, max_tokens: undefined }, { betas: [], endpoint: "count_tokens" })).toBe(
      "ok",
    );
  });

  it("reads anthropic-beta as a comma-separated (and possibly repeated) list", () => {
    expect(parseBetas(" a-1 , b-2,")).toEqual(["a-1", "b-2"]);
    expect(parseBetas(["a-1", "c-3"])).toEqual(["a-1", "c-3"]);
    expect(parseBetas(undefined)).toEqual([]);
  });
});
