/**
 * The agent form's values (strings, as inputs hold them) and their validation against the same
 * zod schema the API uses, so the browser reports the errors the server would.
 */
import type { AgentView } from "@/lib/agents/agent-view";
import { DEFAULT_MODEL } from "@/lib/agents/models";
import { createAgentSchema } from "@/lib/agents/schema";
import type { AgentInput } from "@/lib/query/agents";

export type CachePolicy = "default" | "on" | "off";

export interface AgentFormValues {
  name: string;
  model: string;
  system: string;
  temperature: string;
  maxTokens: string;
  cache: CachePolicy;
  cacheTtlSeconds: string;
  /** Comma-separated model ids, in the order they are tried. */
  fallbackModels: string;
}

export type AgentField = keyof AgentInput;
export type FieldErrors = Partial<Record<AgentField, string>>;

export function formValuesOf(agent?: AgentView): AgentFormValues {
  return {
    name: agent?.name ?? "",
    model: agent?.model ?? DEFAULT_MODEL,
    system: agent?.system ?? "",
    temperature: String(agent?.temperature ?? 0),
    maxTokens: String(agent?.maxTokens ?? 1024),
    cache: agent?.cacheEnabled === true ? "on" : agent?.cacheEnabled === false ? "off" : "default",
    cacheTtlSeconds: agent?.cacheTtlSeconds === null || !agent ? "" : String(agent.cacheTtlSeconds),
    fallbackModels: agent?.fallbackModels.join(", ") ?? "",
  };
}

/** "a, b ,, c" → ["a", "b", "c"]: blanks between commas are ignored. */
export function parseModelList(text: string): string[] {
  return text
    .split(",")
    .map((m) => m.trim())
    .filter((m) => m !== "");
}

function numberOrNaN(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

export function validateAgentForm(
  values: AgentFormValues,
): { ok: true; input: AgentInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const temperature = numberOrNaN(values.temperature);
  const maxTokens = numberOrNaN(values.maxTokens);
  const ttl =
    values.cache === "off" || values.cacheTtlSeconds.trim() === ""
      ? null
      : numberOrNaN(values.cacheTtlSeconds);
  if (Number.isNaN(temperature)) errors.temperature = "a number between 0 and 1";
  if (Number.isNaN(maxTokens)) errors.maxTokens = "a whole number";
  if (ttl !== null && Number.isNaN(ttl)) errors.cacheTtlSeconds = "a whole number of seconds";

  const candidate: AgentInput = {
    name: values.name.trim(),
    model: values.model.trim(),
    system: values.system,
    temperature,
    maxTokens,
    cacheEnabled: values.cache === "default" ? null : values.cache === "on",
    cacheTtlSeconds: ttl,
    fallbackModels: parseModelList(values.fallbackModels),
  };
  const parsed = createAgentSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (typeof field === "string" && field in candidate && !(field in errors)) {
        errors[field as AgentField] = issue.message;
      }
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: candidate };
}

/** Only the fields that changed, for PATCH. */
export function changedFields(agent: AgentView, input: AgentInput): Partial<AgentInput> {
  const patch: Partial<AgentInput> = {};
  for (const key of Object.keys(input) as AgentField[]) {
    // Arrays (fallbackModels) compare by their items, not by identity.
    if (JSON.stringify(input[key]) !== JSON.stringify(agent[key])) {
      (patch as Record<string, unknown>)[key] = input[key];
    }
  }
  return patch;
}
