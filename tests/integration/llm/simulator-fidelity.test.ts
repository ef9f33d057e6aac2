/**
 * The simulator as the official SDK sees it: API-worded validation that never crashes, the
 * mid-conversation system beta, count_tokens consistent with usage, models, tool_use and thinking
 * blocks, prompt-cache usage, request-id and rate-limit headers, and 429s from configured limits.
 */
import Anthropic, { BadRequestError, NotFoundError, RateLimitError } from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "@/lib/llm/simulator";
import { MID_CONVERSATION_SYSTEM_BETA } from "@/lib/llm/simulator/validate";

let sim: Simulator;
let client: Anthropic;

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  client = new Anthropic({ baseURL: sim.url, apiKey: "sk-sim", maxRetries: 0 });
});
afterAll(async () => sim.close());
beforeEach(() => {
  sim.reset();
  sim.setLimits({});
});

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${sim.url}/v1/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": "k",
      "anthropic-version": "2023-06-01",
      ...headers,
    },
    body,
  });

const user = (content: string) => ({ role: "user" as const, content });
const tools: Anthropic.Tool[] = [
  {
    name: "Bash",
    description: "Runs a shell command",
    input_schema: {
      type: "object",
      properties: { command: { type: "string" }, description: { type: "string" } },
      required: ["command"],
    },
  },
];

describe("validation", () => {
  it('answers "system":[null] with a 400 naming the field, and keeps serving', async () => {
    const res = await post(
      JSON.stringify({ model: "m", max_tokens: 5, system: [null], messages: [user("x")] }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get("request-id")).toMatch(/^req_sim_/);
    expect(await res.json()).toMatchObject({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: "system.0: Input should be a valid dictionary or object to extract fields from",
      },
      request_id: expect.stringMatching(/^req_sim_/),
    });
    const wrongType = await post(
      JSON.stringify({ model: "m", max_tokens: 5, messages: [{ role: "user", content: 5 }] }),
    );
    expect((await wrongType.json()).error.message).toBe(
      "messages.0.content: Input should be a valid list",
    );
    const fine = await client.messages.create({ model: "m", max_tokens: 5, messages: [user("x")] });
    expect(fine.type).toBe("message");
  });

  it("accepts a mid-conversation system message only under its beta", async () => {
    const messages = [
      user("hi"),
      { role: "assistant", content: "Hello." },
      { role: "system", content: "Answer briefly." },
      user("again"),
    ];
    const body = JSON.stringify({ model: "claude-opus-4-8", max_tokens: 20, messages });
    const refused = await post(body);
    expect(refused.status).toBe(400);
    const { error } = await refused.json();
    expect(error.message).toContain('Unexpected role "system"');
    expect(error.message).toContain("input message role");
    const accepted = await post(body, {
      "anthropic-beta": `interleaved-thinking-2025-05-14,${MID_CONVERSATION_SYSTEM_BETA}`,
    });
    expect(accepted.status).toBe(200);
  });
});

describe("count_tokens, models and headers", () => {
  it("counts the input tokens a message's usage adds up to", async () => {
    const params = {
      model: "m",
      system: [
        {
          type: "text" as const,
          text: "s".repeat(800),
          cache_control: { type: "ephemeral" as const },
        },
      ],
      messages: [user("How many tokens is this?")],
    };
    const counted = await client.messages.countTokens(params);
    const { usage } = await client.messages.create({ ...params, max_tokens: 10 });
    expect(usage.cache_creation_input_tokens).toBe(200);
    expect(
      usage.input_tokens +
        (usage.cache_creation_input_tokens ?? 0) +
        (usage.cache_read_input_tokens ?? 0),
    ).toBe(counted.input_tokens);
    const again = await client.messages.create({ ...params, max_tokens: 10 });
    expect(again.usage.cache_read_input_tokens).toBe(200);
    expect(again.usage.cache_creation_input_tokens).toBe(0);
  });

  it("lists and retrieves models like the API", async () => {
    const ids: string[] = [];
    for await (const model of client.models.list({ limit: 4 })) ids.push(model.id);
    expect(ids).toContain("claude-opus-4-8");
    expect(ids.length).toBeGreaterThan(4);
    const one = await client.models.retrieve("claude-opus-4-8");
    expect(one).toMatchObject({
      type: "model",
      id: "claude-opus-4-8",
      display_name: "Claude Opus 4.8",
    });
    const missing = await client.models.retrieve("claude-nope").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
  });

  it("puts request-id and anthropic-ratelimit-* headers on answers", async () => {
    const { response } = await client.messages
      .create({ model: "m", max_tokens: 5, messages: [user("x")] })
      .withResponse();
    expect(response.headers.get("request-id")).toMatch(/^req_sim_/);
    expect(response.headers.get("anthropic-ratelimit-requests-limit")).toBeTruthy();
    expect(response.headers.get("anthropic-ratelimit-output-tokens-reset")).toMatch(/Z$/);
  });

  it("answers 429 with retry-after and the real headers once a model's limit is spent", async () => {
    const res = await fetch(`${sim.url}/_sim/limits`, {
      method: "POST",
      body: JSON.stringify({ "claude-limited": { rpm: 2 } }),
    });
    expect(await res.json()).toEqual({ limits: { "claude-limited": { rpm: 2 } } });
    const call = () =>
      client.messages.create({ model: "claude-limited", max_tokens: 5, messages: [user("x")] });
    await call();
    await call();
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    const headers = (error as RateLimitError).headers;
    expect(headers?.get("retry-after")).toBe("30");
    expect(headers?.get("anthropic-ratelimit-requests-remaining")).toBe("0");
    expect(sim.stats().outcomes.rate_limited).toBe(1);
    // Other models are not limited.
    await client.messages.create({ model: "claude-free", max_tokens: 5, messages: [user("x")] });
  });
});

describe("content blocks", () => {
  it("answers with tool_use when asked, and ends the loop with text after the tool result", async () => {
    const first = await client.messages
      .stream({
        model: "m",
        max_tokens: 200,
        tools,
        messages: [user("List the files. [[sim:tool=Bash,tool-arg=ls -la]]")],
      })
      .finalMessage();
    expect(first.stop_reason).toBe("tool_use");
    const call = first.content.find((b) => b.type === "tool_use");
    expect(call).toMatchObject({ name: "Bash", input: { command: "ls -la" } });
    const json = await client.messages.create({
      model: "m",
      max_tokens: 200,
      tools,
      messages: [user("Please use the Bash tool to list files.")],
    });
    expect(json.content.map((b) => b.type)).toEqual(["text", "tool_use"]);

    const second = await client.messages.create({
      model: "m",
      max_tokens: 200,
      tools,
      messages: [
        user("List the files. [[sim:tool=Bash,tool-arg=ls -la]]"),
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: call!.type === "tool_use" ? call!.id : "",
              content: "a.txt",
            },
          ],
        },
      ],
    });
    expect(second.stop_reason).toBe("end_turn");
    expect(second.content.map((b) => b.type)).toEqual(["text"]);
  });

  it("streams a thinking block with a signature before the text when thinking is on", async () => {
    const params = {
      model: "m",
      max_tokens: 3000,
      thinking: { type: "enabled" as const, budget_tokens: 1024 },
      messages: [user("Think first.")],
    };
    const streamed = await client.messages.stream(params).finalMessage();
    expect(streamed.content.map((b) => b.type)).toEqual(["thinking", "text"]);
    const thinking = streamed.content[0];
    expect(thinking?.type === "thinking" && thinking.signature.length).toBeGreaterThan(10);
    const json = await client.messages.create(params);
    expect(json.content).toEqual(streamed.content);
    expect(json.usage.output_tokens).toBe(streamed.usage.output_tokens);
  });

  it("rejects a bad thinking budget like the API", async () => {
    const error = await client.messages
      .create({
        model: "m",
        max_tokens: 100,
        thinking: { type: "enabled", budget_tokens: 10 },
        messages: [user("x")],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
  });
});
