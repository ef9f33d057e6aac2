import { z } from "zod";

const limitUsd = z
  .number("a number of US dollars")
  .min(0, "at least 0")
  .max(1_000_000_000, "at most 1,000,000,000");
const softLimitPercent = z
  .number()
  .int("a whole percent")
  .min(1, "at least 1")
  .max(100, "at most 100");

/** POST /api/budgets. `targetId`: a key's or an agent's id; omitted (or the team's id) for team. */
export const createBudgetSchema = z
  .object({
    scope: z.enum(["team", "key", "agent"]),
    targetId: z.string().trim().min(1, "required").max(100).optional(),
    period: z.enum(["day", "month"]),
    limitUsd,
    softLimitPercent: softLimitPercent.default(80),
  })
  .strict();
export type CreateBudgetInput = z.output<typeof createBudgetSchema>;

/** PATCH /api/budgets/{id}: the limit and the soft threshold (what it limits stays). */
export const updateBudgetSchema = z
  .object({ limitUsd: limitUsd.optional(), softLimitPercent: softLimitPercent.optional() })
  .strict()
  .refine((v) => v.limitUsd !== undefined || v.softLimitPercent !== undefined, {
    message: "send limitUsd or softLimitPercent",
    path: ["limitUsd"],
  });
export type UpdateBudgetInput = z.output<typeof updateBudgetSchema>;
