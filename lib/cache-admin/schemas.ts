import { z } from "zod";

export const statsQuerySchema = z
  .object({ range: z.enum(["24h", "7d", "30d"]).default("24h") })
  .strict();

export const entriesQuerySchema = z
  .object({
    search: z.string().max(200).optional(),
    model: z.string().max(200).optional(),
    agent: z.string().max(64).optional(),
    minHits: z.coerce.number().int().min(0).optional(),
    sort: z.enum(["lastHit", "hits", "size", "created"]).default("lastHit"),
    cursor: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
  })
  .strict();

export const purgeSchema = z
  .object({
    key: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "a 64-character hex cache key")
      .optional(),
    agentId: z.string().min(1).max(64).optional(),
    model: z.string().min(1).max(200).optional(),
    olderThanSeconds: z.number().int().min(0).optional(),
    all: z.literal(true).optional(),
  })
  .strict()
  .refine((f) => f.all || f.key || f.agentId || f.model || f.olderThanSeconds !== undefined, {
    message: "name what to purge: key, agentId, model, olderThanSeconds, or all: true",
    path: ["all"],
  });

export const warmSchema = z
  .object({
    topN: z.number().int().min(1).max(500).optional(),
    requests: z
      .array(
        z
          .object({
            model: z.string().min(1).max(200),
            max_tokens: z.number().int().min(1),
            messages: z.array(z.record(z.string(), z.unknown())).min(1),
          })
          .passthrough(),
      )
      .min(1)
      .max(500)
      .optional(),
  })
  .strict()
  .refine((w) => (w.topN === undefined) !== (w.requests === undefined), {
    message: "give either topN or requests",
    path: ["topN"],
  });
