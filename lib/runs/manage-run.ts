import "server-only";
import { z } from "zod";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { tagsSchema } from "./run-tags";
import { MAX_TITLE_CHARS, runTitle } from "./run-title";

export const updateRunSchema = z
  .object({
    /** A name for the run; empty or null goes back to the task's first words. */
    title: z
      .string()
      .max(MAX_TITLE_CHARS, `at most ${MAX_TITLE_CHARS} characters`)
      .nullable()
      .optional(),
    /** The run's tags, all of them (replaces the previous set); [] removes every tag. */
    tags: tagsSchema.optional(),
  })
  .strict()
  .refine((input) => input.title !== undefined || input.tags !== undefined, {
    message: "send a title, tags or both",
  });

export type UpdateRunInput = z.infer<typeof updateRunSchema>;

async function findRunOrThrow(prisma: PrismaClient, where: { teamId: string; id: string }) {
  const run = await prisma.run.findFirst({
    where,
    select: { id: true, title: true, task: true, status: true },
  });
  if (!run) throw new AppError("not_found", "no such run");
  return run;
}

/**
 * Renames and/or re-tags a run of the team (a field left out stays as it is); returns its id,
 * the title it now shows and its tags.
 */
export async function updateRun(
  prisma: PrismaClient,
  where: { teamId: string; id: string },
  input: UpdateRunInput,
): Promise<{ id: string; title: string; titled: boolean; tags: string[] }> {
  const run = await findRunOrThrow(prisma, where);
  const data: { title?: string | null; tags?: string[] } = {};
  if (input.title !== undefined) data.title = input.title?.trim() ? input.title.trim() : null;
  if (input.tags !== undefined) data.tags = input.tags;
  const saved = await prisma.run.update({
    where: { id: run.id },
    data,
    select: { title: true, task: true, tags: true },
  });
  return {
    id: run.id,
    title: runTitle(saved),
    titled: Boolean(saved.title?.trim()),
    tags: saved.tags,
  };
}

/**
 * Deletes a finished run of the team with its steps (they cascade). A run still queued or running
 * is refused: its worker would write to rows that are gone; cancel it first.
 */
export async function deleteRun(
  prisma: PrismaClient,
  where: { teamId: string; id: string },
): Promise<{ id: string; title: string }> {
  const run = await findRunOrThrow(prisma, where);
  if (run.status === "queued" || run.status === "running") {
    throw new AppError("conflict", "the run is still running: cancel it before deleting it");
  }
  await prisma.run.delete({ where: { id: run.id } });
  return { id: run.id, title: runTitle(run) };
}
