import "server-only";
import { getConfig } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { maxOutputTokens, outputLimitMessage } from "./models";

/** The most output tokens a call to `model` may ask for here: the table, as configured. */
export function outputLimit(model: string): number {
  return maxOutputTokens(model, getConfig().MODEL_MAX_OUTPUT_TOKENS);
}

/** Refuses (422 naming `field`) a max_tokens above its model's ceiling. */
export function assertWithinOutputLimit(model: string, maxTokens: number, field: string): void {
  const limit = outputLimit(model);
  if (maxTokens > limit) {
    throw new AppError("validation_failed", `${field}: at most ${limit} for ${model}`, {
      field,
      details: { max: limit },
    });
  }
}

/**
 * The gateway's check of a Messages body: a numeric max_tokens above the model's ceiling is
 * refused before anything goes upstream, in the API's own words (its 400 invalid_request_error).
 * Anything else about max_tokens is the upstream's to judge.
 */
export function checkMessagesOutputLimit(body: Record<string, unknown>): void {
  const { model, max_tokens: maxTokens } = body;
  if (typeof model !== "string" || typeof maxTokens !== "number") return;
  const limit = outputLimit(model);
  if (maxTokens > limit) {
    throw new AppError("bad_request", outputLimitMessage(model, maxTokens, limit), {
      field: "max_tokens",
    });
  }
}
