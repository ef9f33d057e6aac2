import { z } from "zod";
import { CUSTOM_MODEL_PATTERN } from "./models";

export const AGENT_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
export const MAX_SYSTEM_PROMPT_CHARS = 50_000;
/** The most fallback models an agent may list: each one is another wait on a struggling run. */
export const MAX_FALLBACK_MODELS = 4;

const modelId = z.string().regex(CUSTOM_MODEL_PATTERN, "a model id such as claude-sonnet-5-5");

const fields = {
  name: z.string().regex(AGENT_NAME_PATTERN, "1–64 letters, digits, '_' or '-'"),
  model: modelId,
  system: z.string().max(MAX_SYSTEM_PROMPT_CHARS, `at most ${MAX_SYSTEM_PROMPT_CHARS} characters`),
  temperature: z.number().min(0, "between 0 and 1").max(1, "between 0 and 1"),
  maxTokens: z.number().int("a whole number").min(1, "at least 1"),
  /** null: the default policy (cache at temperature 0 only). */
  cacheEnabled: z.boolean().nullable(),
  cacheTtlSeconds: z
    .number()
    .int()
    .min(60, "at least 60 seconds")
    .max(365 * 24 * 3600, "at most a year")
    .nullable(),
  /** Tried in order when the primary is overloaded or its circuit is open; [] = none. */
  fallbackModels: z
    .array(modelId)
    .max(MAX_FALLBACK_MODELS, `at most ${MAX_FALLBACK_MODELS} models`)
    .refine((models) => new Set(models).size === models.length, "each model at most once"),
};

/** An ordered list of fallback models (agents, and API keys for the gateway). */
export const fallbackModelsSchema = fields.fallbackModels;

/** A fallback that names the primary model would only retry it under another label. */
function fallbacksOtherThanPrimary(
  agent: { model?: string | undefined; fallbackModels?: string[] | undefined },
  ctx: z.RefinementCtx,
): void {
  const at = agent.fallbackModels?.indexOf(agent.model ?? "") ?? -1;
  if (agent.model === undefined || at === -1) return;
  ctx.addIssue({
    code: "custom",
    path: ["fallbackModels", at],
    message: "a fallback must differ from the agent's model",
  });
}

export const createAgentSchema = z
  .object({
    name: fields.name,
    model: fields.model,
    system: fields.system.default(""),
    temperature: fields.temperature.default(0),
    maxTokens: fields.maxTokens.default(1024),
    cacheEnabled: fields.cacheEnabled.default(null),
    cacheTtlSeconds: fields.cacheTtlSeconds.default(null),
    fallbackModels: fields.fallbackModels.default([]),
  })
  // The model's output ceiling is configuration, checked on the server (output-limit.ts).
  .strict()
  .superRefine(fallbacksOtherThanPrimary);

export const updateAgentSchema = z
  .object({
    name: fields.name,
    model: fields.model,
    system: fields.system,
    temperature: fields.temperature,
    maxTokens: fields.maxTokens,
    cacheEnabled: fields.cacheEnabled,
    cacheTtlSeconds: fields.cacheTtlSeconds,
    fallbackModels: fields.fallbackModels,
  })
  .partial()
  .strict()
  // Checked here when both are sent; updateAgent re-checks the merged agent.
  .superRefine(fallbacksOtherThanPrimary);

export type CreateAgentInput = z.infer<typeof createAgentSchema>;
export type UpdateAgentInput = z.infer<typeof updateAgentSchema>;

/** The import/export file: `{"agents": {"<name>": {model, system, temperature, max_tokens, …}}}`. */
export const agentFileSchema = z
  .object({
    agents: z.record(
      fields.name,
      z
        .object({
          model: fields.model,
          system: fields.system.default(""),
          temperature: fields.temperature.default(0),
          max_tokens: fields.maxTokens.default(1024),
          fallback_models: fields.fallbackModels.optional(),
          cache: z
            .object({
              enabled: fields.cacheEnabled.optional(),
              ttl_seconds: fields.cacheTtlSeconds.optional(),
            })
            .strict()
            .optional(),
        })
        .strict(),
    ),
  })
  .strict();

export type AgentFile = z.infer<typeof agentFileSchema>;
