import { takesSamplingParams } from "@/lib/llm/sampling-params";
import type { CacheControl, ModelRequest } from "@/lib/llm/types";
import type { CompiledStep } from "./plan";

/**
 * The user message of a step: the task, the step's own instructions, then each dependency's
 * answer labelled by its step key and agent. XML-style tags keep the parts unambiguous for the
 * model (Anthropic's recommended way to delimit documents in a prompt).
 */
export function stepContent(
  task: string,
  step: CompiledStep,
  outputs: ReadonlyMap<string, { agentName: string; output: string }>,
): string {
  const parts = [`<task>\n${task}\n</task>`];
  if (step.input !== undefined && step.input.trim() !== "") {
    parts.push(`<instructions>\n${step.input}\n</instructions>`);
  }
  for (const key of step.dependsOn) {
    const answer = outputs.get(key);
    // The orchestrator starts a step only once all its dependencies succeeded.
    if (!answer) throw new Error(`Step "${step.key}" started before its dependency "${key}".`);
    parts.push(
      `<previous_answer step="${attribute(key)}" agent="${attribute(answer.agentName)}">\n` +
        `${answer.output}\n</previous_answer>`,
    );
  }
  return parts.join("\n\n");
}

/**
 * The canonical Messages request of a step on `model` (the agent's, or a fallback); exactly
 * these fields feed the cache key. The agent's temperature goes only to models that still take
 * sampling parameters: the newest refuse any, so there the request is sent without it (whether
 * the step is cached still follows the agent's temperature, see agent-snapshot.ts).
 */
export function stepRequest(
  content: string,
  step: CompiledStep,
  model: string = step.agent.model,
): ModelRequest {
  const { agent } = step;
  return {
    model,
    // An empty system prompt is rejected upstream and would needlessly change the cache key.
    ...(agent.system.trim() === "" ? {} : { system: agent.system }),
    messages: [{ role: "user", content }],
    ...(takesSamplingParams(model) ? { temperature: agent.temperature } : {}),
    max_tokens: agent.maxTokens,
  };
}

/**
 * The cache control of a step's calls. The run's choice (say, "refresh") overrides the agent's
 * defaults, except that an agent with caching disabled is never cached.
 */
export function stepCacheControl(
  step: CompiledStep,
  runCacheControl: CacheControl | undefined,
): CacheControl {
  const agentCache = step.agent.cache;
  const ttlSeconds = runCacheControl?.ttlSeconds ?? agentCache?.ttlSeconds;
  return {
    mode: agentCache?.enabled === false ? "bypass" : (runCacheControl?.mode ?? "default"),
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  };
}

function attribute(value: string): string {
  return value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}
