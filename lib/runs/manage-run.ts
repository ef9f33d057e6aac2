import "server-only";
import { z } from "zod";
import type { PrismaClient } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { MAX_TITLE_CHARS, runTitle } from "./run-title";

export const updateRunSchema = z
  .object({
    /** A name for the run; empty or null goes back to the task's first words. */
    title: z.string().max(MAX_TITLE_CHARS, `at most ${MAX_TITLE_CHARS} characters`).nullable(),
  })
  .strict();

export type UpdateRunInput = z.infer<typeof updateRunSchema>;

async function findRunOrThrow(prisma: PrismaClient, where: { teamId: string; id: string }) {
  const run = await prisma.run.findFirst({
    where,
    select: { id: true, title: true, task: true, status: true },
  });
  if (!run) throw new AppError("not_found", "no such run");
  return run;
}

/** Renames a run of the team; returns its id and the title it now shows. */
export async function renameRun(
  prisma: PrismaClient,
  where: { teamId: string; id: string },
  input: UpdateRunInput,
): Promise<{ id: string; title: string; titled: boolean }> {
  const run = await findRunOrThrow(prisma, where);
  const title = input.title?.trim() ? input.title.trim() : null;
  await prisma.run.update({ where: { id: run.id }, data: { title } });
  return { id: run.id, title: runTitle({ title, task: run.task }), titled: title !== null };
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
