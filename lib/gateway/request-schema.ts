import { z } from "zod";

/**
 * The part of a Messages request the gateway checks before forwarding: enough to give a clear
 * invalid_request_error for obvious mistakes. Everything else passes through unchanged, and the
 * upstream validates it as it always does.
 */
export const messagesRequestSchema = z
  .object({
    model: z.string().min(1, "model: Field required").max(200),
    max_tokens: z.number().int().min(1, "max_tokens: must be at least 1"),
    messages: z
      .array(
        z
          .object({
            role: z.enum(["user", "assistant"]),
            content: z.union([z.string(), z.array(z.record(z.string(), z.unknown()))]),
          })
          .passthrough(),
      )
      .min(1, "messages: at least one message is required"),
    stream: z.boolean().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

/** Per-request cache control: `x-ensemble-cache: default | bypass | refresh`, `x-ensemble-cache-ttl: seconds`. */
export const cacheHeadersSchema = z.object({
  mode: z.enum(["default", "bypass", "refresh"]).default("default"),
  ttlSeconds: z.coerce
    .number()
    .int()
    .min(60)
    .max(365 * 24 * 3600)
    .optional(),
});
