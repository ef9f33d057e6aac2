import { z } from "zod";

const perMTok = z.number().finite().min(0);

/**
 * A configured price in US dollars per million tokens: input and output are required; the cache
 * rates default to Anthropic's multipliers of the input rate (lib/spend/price-table.ts).
 */
export const priceOverrideSchema = z
  .object({
    input: perMTok,
    output: perMTok,
    cacheWrite5m: perMTok.optional(),
    cacheWrite1h: perMTok.optional(),
    cacheRead: perMTok.optional(),
  })
  .strict();
export type PriceOverride = z.infer<typeof priceOverrideSchema>;

const overrides = z.record(z.string().min(1).max(100), priceOverrideSchema);

/**
 * MODEL_PRICES: JSON, model id (a prefix; `*` for the fallback) → price, over the built-in table,
 * e.g. `{"claude-sonnet-5-5":{"input":2,"output":10,"cacheRead":0.1}}`.
 */
export const modelPrices = z
  .string()
  .trim()
  .optional()
  .transform((text, ctx) => {
    if (!text) return {};
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: "custom", message: "is not JSON" });
      return z.NEVER;
    }
    const parsed = overrides.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      ctx.addIssue({ code: "custom", message: `${issue.path.join(".")}: ${issue.message}` });
      return z.NEVER;
    }
    return parsed.data;
  });
