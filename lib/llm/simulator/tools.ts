/**
 * When the simulator answers with a `tool_use` block, and with what input. A deterministic stand-in
 * for a model's choice: it calls a tool when told to (`tool_choice` any/tool, a `[[sim:tool=…]]`
 * marker, or a prompt that says "use the X tool"), and never right after a tool result, so that a
 * client's tool loop always ends with a text answer.
 */
import type { SimDirectives } from "./directives";
import type { SimRequest } from "./request";

/** The tool call the answer will carry. */
export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
}

interface CustomTool {
  name: string;
  input_schema: { properties?: Record<string, unknown>; required?: unknown };
}

function customTools(tools: unknown): CustomTool[] {
  if (!Array.isArray(tools)) return [];
  return tools.filter(
    (t): t is CustomTool =>
      typeof t === "object" &&
      t !== null &&
      typeof (t as CustomTool).name === "string" &&
      typeof (t as CustomTool).input_schema === "object",
  );
}

function lastMessage(request: SimRequest) {
  return request.messages[request.messages.length - 1];
}

/** True when the last message returns a tool's result: the model now answers in words. */
function answersToolResult(request: SimRequest): boolean {
  const content = lastMessage(request)?.content;
  return (
    Array.isArray(content) &&
    content.some((b) => (b as { type?: unknown } | null)?.type === "tool_result")
  );
}

function lastUserText(request: SimRequest): string {
  const last = lastMessage(request);
  if (last?.role !== "user") return "";
  if (typeof last.content === "string") return last.content;
  if (!Array.isArray(last.content)) return "";
  return last.content
    .map((b) =>
      (b as { type?: unknown }).type === "text" ? String((b as { text?: unknown }).text) : "",
    )
    .join("\n");
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** "use the Read tool", "call get_weather", "run `Bash`" in the last user message. */
function mentioned(tools: readonly CustomTool[], text: string): CustomTool | undefined {
  if (!text) return undefined;
  return tools.find((t) =>
    new RegExp(`\\b(?:use|call|run|invoke)\\s+(?:the\\s+)?[\`"']?${escapeRe(t.name)}\\b`, "i").test(
      text,
    ),
  );
}

/** The tool to call for this request, if any. */
export function chooseTool(
  request: SimRequest,
  d: SimDirectives | undefined,
): ToolCall | undefined {
  const tools = customTools(request.tools);
  if (tools.length === 0 || answersToolResult(request)) return undefined;
  const choice = request.tool_choice as { type?: string; name?: string } | undefined;
  if (choice?.type === "none") return undefined;
  let tool: CustomTool | undefined;
  if (choice?.type === "tool") tool = tools.find((t) => t.name === choice.name);
  else if (d?.tool !== undefined) tool = d.tool ? tools.find((t) => t.name === d.tool) : tools[0];
  tool ??= mentioned(tools, lastUserText(request));
  if (!tool && choice?.type === "any") tool = tools[0];
  if (!tool) return undefined;
  return { name: tool.name, input: inputFor(tool, d?.toolArg) };
}

/** A plausible input from the tool's JSON schema: every required property, typed by the schema. */
export function inputFor(tool: CustomTool, arg: string | undefined): Record<string, unknown> {
  const properties = tool.input_schema.properties ?? {};
  const required = Array.isArray(tool.input_schema.required)
    ? (tool.input_schema.required as unknown[]).filter((r): r is string => typeof r === "string")
    : Object.keys(properties);
  const input: Record<string, unknown> = {};
  let argUsed = arg === undefined;
  for (const name of required) {
    const schema = (properties[name] ?? {}) as { type?: unknown; enum?: unknown };
    if (Array.isArray(schema.enum) && schema.enum.length > 0) {
      input[name] = schema.enum[0];
      continue;
    }
    switch (schema.type) {
      case "integer":
      case "number":
        input[name] = 1;
        break;
      case "boolean":
        input[name] = true;
        break;
      case "array":
        input[name] = [];
        break;
      case "object":
        input[name] = {};
        break;
      default:
        input[name] = argUsed ? `sim ${name}` : arg;
        argUsed = true;
    }
  }
  return input;
}
