import { z } from "zod";

export const SPEND_GROUPS = ["team", "key", "agent", "model", "day"] as const;
export type SpendGroup = (typeof SPEND_GROUPS)[number];

const DAY_MS = 86_400_000;
/** The longest window one report adds up: a year and a day (a leap year's calendar year fits). */
export const MAX_SPEND_DAYS = 367;

/** A date (2026-12-01, midnight UTC) or a date-time with an offset. */
const instant = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((v) => new Date(v));

/** GET /api/spend's query: `to` defaults to now, `from` to 30 days before `to`. */
export const spendQuery = z
  .object({
    by: z.enum(SPEND_GROUPS).default("day"),
    from: instant.optional(),
    to: instant.optional(),
  })
  .strict()
  .transform((q, ctx) => {
    const to = q.to ?? new Date();
    const from = q.from ?? new Date(to.getTime() - 30 * DAY_MS);
    if (from >= to) {
      ctx.addIssue({ code: "custom", path: ["from"], message: "must be before to" });
      return z.NEVER;
    }
    if (to.getTime() - from.getTime() > MAX_SPEND_DAYS * DAY_MS) {
      ctx.addIssue({
        code: "custom",
        path: ["from"],
        message: `at most ${MAX_SPEND_DAYS} days before to`,
      });
      return z.NEVER;
    }
    return { by: q.by, from, to };
  });
export type SpendQuery = z.output<typeof spendQuery>;
