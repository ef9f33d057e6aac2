/**
 * Claude Code itself (the pinned dev dependency, print mode) through the gateway on the simulator,
 * with its default model: it sends a mid-conversation system message under its beta, which the
 * gateway must forward as sent (issue 9, item 1), then a tool loop, and count_tokens calls.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient, type AppServer, startAppServer } from "../../helpers/app-server";
import { runClaudeCode } from "../../helpers/claude-code";

let app: AppServer;
let key: string;

beforeAll(async () => {
  app = await startAppServer();
  const api = new ApiClient(app.url);
  await api.signUp();
  key = (await api.post("/api/keys", { name: "claude code", role: "member" })).json.key;
});
afterAll(async () => app?.close());

describe("Claude Code through the gateway, default model", () => {
  it("answers, with x-api-key", async () => {
    const run = await runClaudeCode({
      baseUrl: `${app.url}/api/anthropic`,
      apiKey: key,
      prompt: "say hello",
    });
    try {
      expect(run.result).toMatchObject({ is_error: false, subtype: "success" });
      expect(Object.keys(run.result.modelUsage ?? {}).join()).toMatch(/claude-opus-4-8/);
    } finally {
      await run.cleanup();
    }
  });

  it("completes a tool loop, with the key as a Bearer token", async () => {
    const secret = `gw-${Math.random().toString(36).slice(2)}`;
    const run = await runClaudeCode({
      baseUrl: `${app.url}/api/anthropic`,
      apiKey: key,
      auth: "bearer",
      files: { "notes.txt": `${secret}\n` },
      prompt: (cwd) => `Read notes.txt. [[sim:tool=Read,tool-arg=${cwd}/notes.txt]]`,
    });
    try {
      expect(run.result).toMatchObject({ is_error: false });
      expect(run.result.num_turns).toBeGreaterThanOrEqual(2);
      expect(await run.transcript()).toContain(secret);
    } finally {
      await run.cleanup();
    }
  });
});
