import { z } from "zod";
import { tagSchema } from "./run-tags";
import { RUN_STATUSES } from "./status";

export const MAX_TASK_CHARS = 100_000;
export const MAX_AGENTS_PER_RUN = 32;
const id = z.string().min(1).max(64);

export const cacheControlSchema = z
  .object({
    mode: z.enum(["default", "bypass", "refresh"]).default("default"),
    ttlSeconds: z
      .number()
      .int()
      .min(60)
      .max(365 * 24 * 3600)
      .optional(),
  })
  .strict();

export const startRunSchema = z
  .object({
    mode: z.enum(["parallel", "chain", "dag"]).default("parallel"),
    task: z
      .string()
      .max(MAX_TASK_CHARS, `at most ${MAX_TASK_CHARS.toLocaleString("en")} characters`)
      .refine((t) => t.trim().length > 0, "required"),
    /** Agent ids or names, for parallel and chain runs (a chain runs them in this order). */
    agents: z.array(id).min(1, "pick at least one agent").max(MAX_AGENTS_PER_RUN).optional(),
    /** For dag runs. */
    steps: z
      .array(
        z
          .object({
            key: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "1–64 letters, digits, '_' or '-'"),
            agent: id,
            dependsOn: z.array(z.string().max(64)).max(MAX_AGENTS_PER_RUN).default([]),
            input: z.string().max(20_000).optional(),
          })
          .strict(),
      )
      .min(1, "add at least one step")
      .max(MAX_AGENTS_PER_RUN)
      .optional(),
    cache: cacheControlSchema.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.mode === "dag" && !value.steps) {
      ctx.addIssue({ code: "custom", path: ["steps"], message: "required for a dag run" });
    }
    if (value.mode !== "dag" && !value.agents) {
      ctx.addIssue({
        code: "custom",
        path: ["agents"],
        message: `required for a ${value.mode} run`,
      });
    }
  });

export type StartRunInput = z.infer<typeof startRunSchema>;

export const listRunsSchema = z
  .object({
    status: z.enum(RUN_STATUSES).optional(),
    agent: id.optional(),
    /** Runs carrying this tag. */
    tag: tagSchema.optional(),
    q: z.string().max(200).optional(),
    cursor: id.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const runStatsSchema = z
  .object({ days: z.coerce.number().int().min(1).max(90).default(14) })
  .strict();
