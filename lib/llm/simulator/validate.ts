/**
 * Request validation in the API's words: every wrong shape is a 400 invalid_request_error whose
 * message starts with the field's path (`messages.0.content: Input should be a valid list`), as the
 * real API's pydantic-style errors do. Unknown fields are accepted: betas add fields all the time,
 * and a simulator that rejected them would fail clients the real API serves.
 */
import { SAMPLING_PARAMS, takesSamplingParams } from "../sampling-params";

/** What was wrong with a request, phrased like the real API's invalid_request_error. */
export class InvalidRequest extends Error {
  override name = "InvalidRequest";
}

/** The beta that lets a conversation carry `{"role":"system"}` messages after the first turn. */
export const MID_CONVERSATION_SYSTEM_BETA = "mid-conversation-system-2026-04-07";

/** The API's answer to a system-role message without that beta (Claude Code falls back on it). */
export const UNEXPECTED_SYSTEM_ROLE =
  'Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.';

export interface ValidateContext {
  /** The `anthropic-beta` header's values, split on commas and trimmed. */
  betas: readonly string[];
  /** `count_tokens` takes no max_tokens and no stream. */
  endpoint: "messages" | "count_tokens";
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const fail = (path: string, what: string): never => {
  throw new InvalidRequest(`${path}: ${what}`);
};

const REQUIRED = "Field required";
const DICT = "Input should be a valid dictionary or object to extract fields from";

function dict(v: unknown, path: string): Obj {
  return isObj(v) ? v : fail(path, DICT);
}
function list(v: unknown, path: string): unknown[] {
  return Array.isArray(v) ? v : fail(path, "Input should be a valid list");
}
function str(v: unknown, path: string): string {
  return typeof v === "string" ? v : fail(path, "Input should be a valid string");
}
function int(v: unknown, path: string, min?: number): number {
  if (typeof v !== "number" || !Number.isInteger(v)) fail(path, "Input should be a valid integer");
  if (min !== undefined && (v as number) < min)
    fail(path, `Input should be greater than or equal to ${min}`);
  return v as number;
}
function num(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(path, "Input should be a valid number");
  if ((v as number) < min) fail(path, `Input should be greater than or equal to ${min}`);
  if ((v as number) > max) fail(path, `Input should be less than or equal to ${max}`);
  return v as number;
}
const optional = <T>(v: unknown, check: (v: unknown) => T): T | undefined =>
  v === undefined || v === null ? undefined : check(v);

/** Content blocks: each an object with a string `type`; text blocks need a string `text`. */
function validateBlocks(blocks: unknown[], path: string): void {
  for (const [i, raw] of blocks.entries()) {
    const at = `${path}.${i}`;
    const block = dict(raw, at);
    if (block.type === undefined) fail(`${at}.type`, REQUIRED);
    const type = str(block.type, `${at}.type`);
    if (type === "text") {
      if (block.text === undefined) fail(`${at}.text`, REQUIRED);
      str(block.text, `${at}.text`);
    } else if (type === "tool_use") {
      str(block.id, `${at}.id`);
      str(block.name, `${at}.name`);
      dict(block.input, `${at}.input`);
    } else if (type === "tool_result") {
      str(block.tool_use_id, `${at}.tool_use_id`);
      if (Array.isArray(block.content)) validateBlocks(block.content, `${at}.content`);
      else optional(block.content, (c) => str(c, `${at}.content`));
    }
    if (block.cache_control !== undefined && block.cache_control !== null)
      dict(block.cache_control, `${at}.cache_control`);
  }
}

function validateContent(content: unknown, path: string): void {
  if (content === undefined) fail(path, REQUIRED);
  if (typeof content === "string") return;
  validateBlocks(list(content, path), path);
}

function validateMessages(raw: unknown, ctx: ValidateContext): void {
  if (raw === undefined) fail("messages", REQUIRED);
  const messages = list(raw, "messages");
  if (messages.length === 0) fail("messages", "at least one message is required");
  const systemAllowed = ctx.betas.includes(MID_CONVERSATION_SYSTEM_BETA);
  for (const [i, m] of messages.entries()) {
    const message = dict(m, `messages.${i}`);
    if (message.role === undefined) fail(`messages.${i}.role`, REQUIRED);
    if (message.role === "system") {
      // The API refuses a leading system message even with the beta: that is the `system` field.
      if (!systemAllowed) throw new InvalidRequest(UNEXPECTED_SYSTEM_ROLE);
      if (i === 0)
        fail(`messages.${i}.role`, "a system message cannot be the first message; use `system`");
    } else if (message.role !== "user" && message.role !== "assistant") {
      fail(`messages.${i}.role`, "Input should be 'user' or 'assistant'");
    }
    validateContent(message.content, `messages.${i}.content`);
  }
}

function validateSystem(system: unknown): void {
  if (system === undefined || system === null || typeof system === "string") return;
  const blocks = list(system, "system");
  for (const [i, raw] of blocks.entries()) {
    const block = dict(raw, `system.${i}`);
    if (block.type !== "text") fail(`system.${i}.type`, "Input should be 'text'");
    if (block.text === undefined) fail(`system.${i}.text`, REQUIRED);
    str(block.text, `system.${i}.text`);
  }
}

function validateTools(tools: unknown, choice: unknown): void {
  if (tools !== undefined && tools !== null) {
    for (const [i, raw] of list(tools, "tools").entries()) {
      const tool = dict(raw, `tools.${i}`);
      // Server tools (web_search_…, bash_…) are named by a versioned `type`; custom ones need a schema.
      if (tool.type !== undefined && tool.type !== "custom") {
        str(tool.type, `tools.${i}.type`);
        continue;
      }
      if (tool.name === undefined) fail(`tools.${i}.name`, REQUIRED);
      str(tool.name, `tools.${i}.name`);
      if (tool.input_schema === undefined) fail(`tools.${i}.input_schema`, REQUIRED);
      dict(tool.input_schema, `tools.${i}.input_schema`);
    }
  }
  if (choice === undefined || choice === null) return;
  const c = dict(choice, "tool_choice");
  if (!["auto", "any", "tool", "none"].includes(c.type as string))
    fail("tool_choice.type", "Input should be 'auto', 'any', 'tool' or 'none'");
  if (c.type === "tool") str(c.name, "tool_choice.name");
}

function validateThinking(thinking: unknown, maxTokens: number | undefined): void {
  if (thinking === undefined || thinking === null) return;
  const t = dict(thinking, "thinking");
  if (t.type === "disabled" || t.type === "adaptive") return;
  if (t.type !== "enabled")
    fail("thinking.type", "Input should be 'enabled', 'disabled' or 'adaptive'");
  if (t.budget_tokens === undefined) fail("thinking.enabled.budget_tokens", REQUIRED);
  const budget = int(t.budget_tokens, "thinking.enabled.budget_tokens", 1024);
  if (maxTokens !== undefined && budget >= maxTokens) {
    throw new InvalidRequest("`max_tokens` must be greater than `thinking.budget_tokens`");
  }
}

/**
 * Checks a Messages (or count_tokens) body and throws InvalidRequest naming the first bad field.
 * Returns the body, now known to be an object with the fields the simulator reads.
 */
export function validateBody(body: unknown, ctx: ValidateContext): Obj {
  if (!isObj(body)) throw new InvalidRequest("request body must be a JSON object");
  if (body.model === undefined) fail("model", REQUIRED);
  if (str(body.model, "model") === "") fail("model", "String should have at least 1 character");
  if (ctx.endpoint === "messages" && !takesSamplingParams(body.model as string)) {
    for (const name of SAMPLING_PARAMS) {
      if (body[name] !== undefined) {
        throw new InvalidRequest(`\`${name}\` is deprecated for this model.`);
      }
    }
  }
  let maxTokens: number | undefined;
  if (ctx.endpoint === "messages") {
    if (body.max_tokens === undefined) fail("max_tokens", REQUIRED);
    maxTokens = int(body.max_tokens, "max_tokens", 1);
    optional(body.stream, (v) =>
      typeof v === "boolean" ? v : fail("stream", "Input should be a valid boolean"),
    );
  }
  validateMessages(body.messages, ctx);
  validateSystem(body.system);
  optional(body.temperature, (v) => num(v, "temperature", 0, 1));
  optional(body.top_p, (v) => num(v, "top_p", 0, 1));
  optional(body.top_k, (v) => int(v, "top_k", 0));
  optional(body.stop_sequences, (v) =>
    list(v, "stop_sequences").forEach((s, i) => str(s, `stop_sequences.${i}`)),
  );
  optional(body.metadata, (v) => dict(v, "metadata"));
  validateTools(body.tools, body.tool_choice);
  validateThinking(body.thinking, maxTokens);
  return body;
}

/** The `anthropic-beta` header as a list (it may be repeated and comma-separated). */
export function parseBetas(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const joined = Array.isArray(header) ? header.join(",") : header;
  return joined
    .split(",")
    .map((b) => b.trim())
    .filter(Boolean);
}
