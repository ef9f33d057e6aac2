import "server-only";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Env } from "./schema";
import { SECRET_HOWTO, secretWeakness } from "./secret-strength";

export interface ResolvedSecret {
  secret: string;
  /** Where it came from, for the one start-up line that says so. */
  source: "environment" | "generated" | "data-dir";
  file?: string;
}

/**
 * CACHE_HMAC_SECRET when set. On the embedded defaults (no DATABASE_URL), a random secret kept in
 * DATA_DIR, created on first start, so `npm start` needs no set-up. With DATABASE_URL the config
 * schema already refused to start without one: instances of a shared deployment must agree.
 */
export async function resolveCacheSecret(env: Env): Promise<ResolvedSecret> {
  if (env.CACHE_HMAC_SECRET) return { secret: env.CACHE_HMAC_SECRET, source: "environment" };
  const file = path.resolve(env.DATA_DIR, "cache-hmac-secret");
  const existing = await readFile(file, "utf8").catch(() => undefined);
  if (existing?.trim()) {
    // A file someone edited by hand gets the same scrutiny as the environment variable.
    const weakness = secretWeakness(existing.trim());
    if (weakness) throw new Error(`The cache secret in ${file} is ${weakness}; ${SECRET_HOWTO}`);
    return { secret: existing.trim(), source: "data-dir", file };
  }
  await mkdir(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("hex");
  // "wx": if another process created it meanwhile, keep theirs.
  try {
    await writeFile(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  } catch {
    return { secret: (await readFile(file, "utf8")).trim(), source: "data-dir", file };
  }
  return { secret, source: "generated", file };
}
