/**
 * Global setup of the integration project: one freshly initialised PGlite data directory for the
 * whole run. Every file's app server starts on a copy of it (tests/helpers/app-server.ts) instead
 * of running initdb in WebAssembly again — measured on a 2-core machine, initdb took 8–12 s of
 * each file's start and a copy about 1 s. Migrations still run on each copy, as at a real start.
 * Only the embedded pass needs it; with DATABASE_URL nothing is made.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** An initialised, empty PGlite data directory to copy ("" when the pass uses Postgres). */
    pgliteTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide("pgliteTemplate", "");
    return;
  }
  const root = await mkdtemp(path.join(tmpdir(), "ensemble-pglite-template-"));
  const dir = path.join(root, "pglite");
  const db = new PGlite(dir);
  await db.waitReady;
  await db.close();
  project.provide("pgliteTemplate", dir);
  return async () => {
    await rm(root, { recursive: true, force: true });
  };
}
