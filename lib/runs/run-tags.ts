import { z } from "zod";

/** How many tags one run may carry. */
export const MAX_TAGS_PER_RUN = 10;
/** The longest tag, in characters. */
export const MAX_TAG_CHARS = 32;

/** Lowercase letters and digits, words joined by single `-`, `_` or `.`. */
const TAG_PATTERN = /^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/;

/**
 * One tag as a person types it: trimmed and lowercased, then checked. "Bug Fix" is refused (no
 * spaces) rather than silently turned into something the person did not write.
 */
export const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "a tag cannot be empty")
  .max(MAX_TAG_CHARS, `at most ${MAX_TAG_CHARS} characters`)
  .regex(TAG_PATTERN, "lowercase letters and digits, words joined by '-', '_' or '.'");

/** A run's tags: each one valid, duplicates dropped (first spelling kept, order kept). */
export const tagsSchema = z
  .array(tagSchema)
  .max(MAX_TAGS_PER_RUN, `at most ${MAX_TAGS_PER_RUN} tags`)
  .transform((tags) => [...new Set(tags)]);
