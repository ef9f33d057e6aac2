import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  countInputTokens,
  countTokens,
  generateAnswer,
  requestHash,
  splitDeltas,
} from "@/lib/llm/simulator";

const base = {
  model: "claude-sim",
  system: "Be brief.",
  messages: [{ role: "user", content: "Plan the release." }],
  temperature: 0,
};
const options = { maxTokens: 1000, lengthRange: [20, 120] as const };

describe("requestHash", () => {
  it("is the same for the same request, whatever the key order", () => {
    const reordered = {
      temperature: 0,
      messages: [{ content: "Plan the release.", role: "user" }],
      system: "Be brief.",
      model: "claude-sim",
    };
    expect(requestHash(reordered)).toBe(requestHash(base));
  });

  it("changes with the model, the system prompt, the messages or the temperature", () => {
    const h = requestHash(base);
    expect(requestHash({ ...base, model: "claude-other" })).not.toBe(h);
    expect(requestHash({ ...base, system: "Be long." })).not.toBe(h);
    expect(requestHash({ ...base, messages: [{ role: "user", content: "Plan it." }] })).not.toBe(h);
    expect(requestHash({ ...base, temperature: 1 })).not.toBe(h);
  });
});

describe("generateAnswer", () => {
  it("gives the same text for the same hash and a different text for a different one", () => {
    const a = generateAnswer(requestHash(base), options);
    expect(generateAnswer(requestHash(base), options)).toEqual(a);
    const b = generateAnswer(requestHash({ ...base, temperature: 0.5 }), options);
    expect(b.text).not.toBe(a.text);
  });

  it("writes sentences of words, ending with a period, within the length range", () => {
    const a = generateAnswer(requestHash(base), options);
    expect(a.text).toMatch(/^[A-Z][a-z-]*( |, |\n\n)/);
    expect(a.text.endsWith(".")).toBe(true);
    expect(a.stopReason).toBe("end_turn");
    expect(a.outputTokens).toBeGreaterThanOrEqual(20);
    expect(a.outputTokens).toBeLessThanOrEqual(121);
  });

  it("stops at max_tokens with stop_reason max_tokens, as a prefix of the full answer", () => {
    const hash = requestHash(base);
    const full = generateAnswer(hash, { ...options, tokens: 100 });
    const cut = generateAnswer(hash, { ...options, tokens: 100, maxTokens: 10 });
    expect(cut.stopReason).toBe("max_tokens");
    expect(cut.outputTokens).toBe(10);
    expect(full.text.startsWith(cut.text)).toBe(true);
  });

  it("honours an explicit token count", () => {
    const a = generateAnswer(requestHash(base), { ...options, tokens: 50 });
    expect(a.outputTokens).toBeGreaterThanOrEqual(50);
    expect(a.outputTokens).toBeLessThanOrEqual(51);
  });

  it("cuts at the first stop sequence found", () => {
    const a = generateAnswer(requestHash(base), { ...options, tokens: 200, stopSequences: ["."] });
    expect(a.stopReason).toBe("stop_sequence");
    expect(a.stopSequence).toBe(".");
    expect(a.text).not.toContain(".");
    expect(a.outputTokens).toBe(countTokens(a.text));
  });

  it("counts output tokens consistently with countTokens for any request (property)", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 400 }), (prompt, maxTokens) => {
        const hash = requestHash({ ...base, messages: [{ role: "user", content: prompt }] });
        const answer = generateAnswer(hash, { maxTokens, lengthRange: [1, 300] });
        expect(answer.outputTokens).toBe(countTokens(answer.text));
        expect(answer.outputTokens).toBeLessThanOrEqual(maxTokens);
        expect(answer.outputTokens).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe("splitDeltas", () => {
  it("splits into chunks that concatenate back to the text and keep words whole", () => {
    const { text } = generateAnswer(requestHash(base), { ...options, tokens: 120 });
    const chunks = splitDeltas(text, 4);
    expect(chunks.join("")).toBe(text);
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks.slice(0, -1)) expect(chunk).toMatch(/[ \n]$/);
  });

  it("loses and invents no characters, for any text and chunk size (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 1, max: 8 }), (text, n) => {
        const chunks = splitDeltas(text, n);
        expect(chunks.join("")).toBe(text);
        for (const chunk of chunks) expect(chunk.length).toBeGreaterThan(0);
      }),
    );
  });

  it("returns no chunks for an empty text", () => {
    expect(splitDeltas("", 4)).toEqual([]);
  });
});

describe("countInputTokens", () => {
  it("counts text at about four characters per token plus a per-message overhead", () => {
    const n = countInputTokens({
      system: "x".repeat(40),
      messages: [
        { role: "user", content: "y".repeat(40) },
        { role: "assistant", content: [{ type: "text", text: "z".repeat(8) }] },
      ],
    });
    expect(n).toBe(Math.ceil(88 / 4) + 8);
  });
});
