/**
 * The models an agent may name, with their output-token ceilings (the API's "Max output" per
 * model, platform.claude.com/docs/en/models). Ids outside the list are accepted when they look
 * like a model id (custom deployments, future models, the simulator).
 */
export const KNOWN_MODELS = [
  { id: "claude-opus-5-5", maxOutputTokens: 128_000 },
  { id: "claude-sonnet-5-5", maxOutputTokens: 128_000 },
  { id: "claude-haiku-5-5", maxOutputTokens: 128_000 },
  { id: "claude-opus-5", maxOutputTokens: 128_000 },
  { id: "claude-sonnet-5", maxOutputTokens: 128_000 },
  { id: "claude-opus-4-8", maxOutputTokens: 128_000 },
  { id: "claude-opus-4-7", maxOutputTokens: 128_000 },
  { id: "claude-opus-4-6", maxOutputTokens: 128_000 },
  { id: "claude-sonnet-4-6", maxOutputTokens: 128_000 },
  { id: "claude-haiku-4-5", maxOutputTokens: 64_000 },
] as const;

// claude-sonnet-4-5 and claude-opus-4-5 are left out: the SDK lists them as deprecated (end of
// life 2026-11-30 and 2027-01-22). They are still accepted as custom ids.
export const DEFAULT_MODEL = "claude-sonnet-5-5";

/** Lowercase id of letters, digits, dots, dashes and underscores, as Anthropic model ids are. */
export const CUSTOM_MODEL_PATTERN = /^[a-z0-9][a-z0-9._-]{1,99}$/;

/**
 * The ceiling for ids not in the list: the highest any model allows. The ceilings guard against
 * absurd values (a 2M-token answer); for a model the table does not know, the upstream is the
 * judge, so nothing it would accept is refused here (MODEL_MAX_OUTPUT_TOKENS `*` lowers it).
 */
export const CUSTOM_MODEL_MAX_OUTPUT_TOKENS = 128_000;

/** Ceilings configured over the table's (MODEL_MAX_OUTPUT_TOKENS); `*` for unknown ids. */
export type OutputLimitOverrides = Readonly<Record<string, number>>;

/** A dated snapshot id names its model: `claude-haiku-4-5-20251001` → `claude-haiku-4-5`. */
function aliasOf(model: string): string {
  return model.replace(/-\d{8}$/, "");
}

/** The most output tokens a call to `model` may ask for (a dated id as its model's alias). */
export function maxOutputTokens(model: string, overrides: OutputLimitOverrides = {}): number {
  const alias = aliasOf(model);
  return (
    overrides[model] ??
    overrides[alias] ??
    KNOWN_MODELS.find((m) => m.id === alias)?.maxOutputTokens ??
    overrides["*"] ??
    CUSTOM_MODEL_MAX_OUTPUT_TOKENS
  );
}

/** The API's own words for a max_tokens above the ceiling (clients match on them). */
export function outputLimitMessage(model: string, maxTokens: number, limit: number): string {
  return `max_tokens: ${maxTokens} > ${limit}, which is the maximum allowed number of output tokens for ${model}`;
}
