import { z } from "zod";
import { MAX_AGENTS_PER_RUN, MAX_TASK_CHARS } from "@/lib/runs/run-schema";

/** How many templates one team may keep. */
export const MAX_TEMPLATES_PER_TEAM = 200;
export const MAX_TEMPLATE_NAME_CHARS = 80;

const stepKey = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "1–64 letters, digits, '_' or '-'");

/**
 * The body of POST /api/templates: what the composer holds. Steps name agents by id (the server
 * records each agent's name beside it); a DAG step's `dependsOn` names other steps' keys.
 */
export const createTemplateSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "required")
      .max(MAX_TEMPLATE_NAME_CHARS, `at most ${MAX_TEMPLATE_NAME_CHARS} characters`),
    mode: z.enum(["parallel", "chain", "dag"]),
    /** May be empty: a template can be only a set of agents. */
    task: z
      .string()
      .max(MAX_TASK_CHARS, `at most ${MAX_TASK_CHARS.toLocaleString("en")} characters`)
      .default(""),
    cacheMode: z.enum(["default", "bypass", "refresh"]).default("default"),
    steps: z
      .array(
        z
          .object({
            key: stepKey,
            agent: z.string().min(1).max(64),
            dependsOn: z.array(stepKey).max(MAX_AGENTS_PER_RUN).default([]),
            input: z.string().max(20_000).optional(),
          })
          .strict(),
      )
      .min(1, "pick at least one agent")
      .max(MAX_AGENTS_PER_RUN, `at most ${MAX_AGENTS_PER_RUN} agents`),
  })
  .strict()
  .superRefine((value, ctx) => {
    const keys = new Set<string>();
    value.steps.forEach((step, i) => {
      if (keys.has(step.key)) {
        ctx.addIssue({ code: "custom", path: ["steps", i, "key"], message: "used twice" });
      }
      keys.add(step.key);
    });
    value.steps.forEach((step, i) => {
      step.dependsOn.forEach((dep, j) => {
        if (!keys.has(dep) || dep === step.key) {
          ctx.addIssue({
            code: "custom",
            path: ["steps", i, "dependsOn", j],
            message: `"${dep}" is not another step of this template`,
          });
        }
      });
    });
  });

export type CreateTemplateInput = z.infer<typeof createTemplateSchema>;
