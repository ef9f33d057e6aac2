import "server-only";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { fromZodError } from "./errors";

/** Request bodies above this are refused before parsing (a task is at most 100,000 characters). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a JSON body and validates it: malformed JSON is a 400 invalid_json; a wrong shape is a
 * 422 naming the field. Never casts `await req.json()`.
 */
export async function parseJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
): Promise<z.infer<S>> {
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES) {
    throw new AppError("payload_too_large", `request body is over ${MAX_BODY_BYTES} bytes`);
  }
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw new AppError("payload_too_large", `request body is over ${MAX_BODY_BYTES} bytes`);
  }
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", "request body is not valid JSON");
  }
  if (json === undefined) throw new AppError("invalid_json", "request body is empty");
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

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw fromZodError(result.error);
  return result.data;
}
