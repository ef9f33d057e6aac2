import "server-only";
import { randomFillSync } from "node:crypto";

// Random bytes drawn from a pool refilled 4 KiB at a time: a randomBytes() call per id (the
// answer's fresh message id, the request-id header) was a tenth of a cache hit's cost. The ids
// drawn from it need to be unique, not secret.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomByte(): number {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++]!;
}

/**
 * `length` random characters of `alphabet`. (256 % alphabet.length leaves a slight bias toward
 * its first characters: harmless for ids that need to be unique, not uniform.)
 */
export function randomChars(length: number, alphabet: string): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomByte() % alphabet.length];
  return out;
}
