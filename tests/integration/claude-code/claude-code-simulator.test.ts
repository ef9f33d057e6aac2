/**
 * Claude Code itself (the pinned CLI, print mode, telemetry off, a fresh HOME) against the bare
 * Anthropic-protocol simulator with its default model: an answer comes back, and a tool loop
 * (the simulator asks for Read, Claude Code runs it and sends the result back) completes.
 * The same helper drives it against the gateway (see tests/helpers/claude-code.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "@/lib/llm/simulator";
import { runClaudeCode } from "../../helpers/claude-code";

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
});
afterAll(async () => sim?.close());

describe("Claude Code against the simulator", () => {
  it("answers a prompt on the CLI's default model", async () => {
    const run = await runClaudeCode({ baseUrl: sim.url, apiKey: "sk-sim", prompt: "say hello" });
    try {
      expect(run.result).toMatchObject({ type: "result", is_error: false, subtype: "success" });
      expect(run.result.result.length).toBeGreaterThan(0);
      // The default model of the pinned version, which sends a mid-conversation system message.
      expect(Object.keys(run.result.modelUsage ?? {}).join()).toMatch(/claude-opus-4-8/);
      expect(sim.stats().outcomes.ok).toBeGreaterThanOrEqual(1);
    } finally {
      await run.cleanup();
    }
  });

  it("completes a tool loop: Read is called, its result goes back, a text answer ends it", async () => {
    const secret = `sim-file-${Math.random().toString(36).slice(2)}`;
    const before = sim.stats().outcomes.ok;
    const run = await runClaudeCode({
      baseUrl: sim.url,
      apiKey: "sk-sim",
      files: { "notes.txt": `${secret}\n` },
      prompt: (cwd) => `Read notes.txt. [[sim:tool=Read,tool-arg=${cwd}/notes.txt]]`,
    });
    try {
      expect(run.result).toMatchObject({ is_error: false, subtype: "success" });
      expect(run.result.num_turns).toBeGreaterThanOrEqual(2);
      expect(run.result.permission_denials).toEqual([]);
      // The file's content reached the conversation as the tool's result…
      const transcript = await run.transcript();
      expect(transcript).toContain('"type":"tool_use"');
      expect(transcript).toContain(secret);
      // …and went back to the model: at least the tool_use answer and the final one.
      expect(sim.stats().outcomes.ok - before).toBeGreaterThanOrEqual(2);
    } finally {
      await run.cleanup();
    }
  });
});
