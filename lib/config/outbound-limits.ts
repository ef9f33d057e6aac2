import { z } from "zod";

/** One model's outbound limits per window (a minute unless configured): 0 or absent = none. */
export interface OutboundLimits {
  /** Requests per window. */
  rpm?: number;
  /** Input tokens per window (uncached input plus cache writes, as the API counts them). */
  itpm?: number;
  /** Output tokens per window. */
  otpm?: number;
}

/** Model id (or "*" for every other model) → its limits. */
export type OutboundLimitTable = Record<string, OutboundLimits>;

const limitsSchema = z
  .object({
    rpm: z.number().int().min(1).optional(),
    itpm: z.number().int().min(1).optional(),
    otpm: z.number().int().min(1).optional(),
  })
  .strict();

/** `OUTBOUND_LIMITS`: JSON `{"<model>" | "*": {"rpm","itpm","otpm"}}`; unset = no limits. */
export const outboundLimitTable = z
  .string()
  .trim()
  .optional()
  .transform((text, ctx): OutboundLimitTable => {
    if (!text) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "is not JSON" });
      return z.NEVER;
    }
    const table = z.record(z.string().min(1), limitsSchema).safeParse(parsed);
    if (!table.success) {
      const issue = table.error.issues[0];
      ctx.addIssue({
        code: "custom",
        message: `${issue?.path.join(".") || "value"}: ${issue?.message ?? "invalid"} (want {"<model>": {"rpm","itpm","otpm"}})`,
      });
      return z.NEVER;
    }
    return table.data;
  });

/** The limits that apply to `model`: its own row, else the "*" row, else none. */
export function limitsFor(table: OutboundLimitTable, model: string): OutboundLimits {
  return table[model] ?? table["*"] ?? {};
}
