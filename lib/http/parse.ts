import "server-only";
import type { z } from "zod";
import { AppError, fromZodError } from "@/lib/errors";
import { MAX_BODY_BYTES, readBodyText } from "./read-body";
import { assertStorableText } from "./storable-text";

export { MAX_BODY_BYTES } from "./read-body";

export interface ParseBodyOptions {
  /** Bodies larger than this are refused with 413, before or while reading. @default MAX_BODY_BYTES */
  maxBytes?: number;
}

/**
 * Reads a JSON body and validates it: over the size limit is a 413 (nothing past the limit is
 * read); malformed JSON is a 400 invalid_json; a string Postgres cannot store (NUL, a lone
 * surrogate) is a 400 naming the field; a wrong shape is a 422 naming the field. Never casts
 * `await req.json()`.
 */
export async function parseJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  options: ParseBodyOptions = {},
): Promise<z.infer<S>> {
  const text = await readBodyText(request, options.maxBytes ?? MAX_BODY_BYTES);
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", "request body is not valid JSON");
  }
  if (json === undefined) throw new AppError("invalid_json", "request body is empty");
  assertStorableText(json);
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  // A body of the wrong type altogether (`[]`, `"x"`, `null` where an object is expected) has no
  // field to name: it is a bad request, not a 422 with an empty field.
  const root = result.error.issues[0];
  if (root?.code === "invalid_type" && root.path.length === 0) {
    throw new AppError("bad_request", `request body: ${root.message}`);
  }
  throw fromZodError(result.error);
}

/** Validates query parameters (a plain object of strings) against a schema. */
export function parseSearchParams<S extends z.ZodType>(url: string | URL, schema: S): z.infer<S> {
  return parseWith(schema, Object.fromEntries(new URL(url).searchParams));
}

/** Validates any value (query parameters, a header) that did not come through parseJsonBody. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  assertStorableText(value);
  const result = schema.safeParse(value);
  if (!result.success) throw fromZodError(result.error);
  return result.data;
}
