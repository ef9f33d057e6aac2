import "server-only";
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { getConfig } from "@/lib/config";

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

// OWASP's recommendation for scrypt: N=2^17 (PASSWORD_HASH_LOG2_N), r=8, p=1. Memory-hard:
// 128 * N * r = 128 MiB per hash, which is the point, and why hashes run at most
// HASH_CONCURRENCY at a time: a burst of sign-ins queues for the CPU (which it would anyway)
// instead of multiplying that memory.
const PARAMS = { r: 8, p: 1, keylen: 32 } as const;
const costN = () => 2 ** getConfig().PASSWORD_HASH_LOG2_N;
const HASH_CONCURRENCY = 2;
/** The costliest stored hash we agree to verify (N ≤ 2^20, 1 GiB); above is a malformed hash. */
const MAX_VERIFY_N = 2 ** 20;
/** Shortest stored hash accepted (128 bits); ours are PARAMS.keylen bytes. */
const MIN_HASH_BYTES = 16;

const maxmem = (N: number, r: number) => 128 * N * r + 16 * 1024 * 1024;

let running = 0;
const waiting: (() => void)[] = [];

/** Runs one scrypt at a time per slot; FIFO. */
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= HASH_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** Hashes a password into a self-describing string: scrypt$N$r$p$salt$hash (base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { r, p, keylen } = PARAMS;
  const N = costN();
  const hash = await limited(() =>
    scrypt(password, salt, keylen, { N, r, p, maxmem: maxmem(N, r) }),
  );
  return ["scrypt", N, r, p, salt.toString("base64"), hash.toString("base64")].join("$");
}

/** Constant-time check of a password against a stored hash; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, saltB64, hashB64] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !saltB64 || !hashB64) return false;
  const expected = Buffer.from(hashB64, "base64");
  // scrypt derives as many bytes as the stored hash has, so a truncated hash would verify against
  // any password sharing its first few bytes (1 in 256 for one byte). Refuse short hashes.
  if (expected.length < MIN_HASH_BYTES) return false;
  const N = Number(n);
  const R = Number(r);
  if (!(N <= MAX_VERIFY_N) || !(R <= 32)) return false;
  let actual: Buffer;
  try {
    actual = await limited(() =>
      scrypt(password, Buffer.from(saltB64, "base64"), expected.length, {
        N,
        r: R,
        p: Number(p),
        maxmem: maxmem(N, R),
      }),
    );
  } catch {
    // Parameters node rejects (N not a power of two, NaN, …): a malformed hash, not a server error.
    return false;
  }
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** True when a stored hash was made with other (older, weaker) parameters than today's. */
export function needsRehash(stored: string): boolean {
  const [scheme, n, r, p, , hashB64] = stored.split("$");
  return (
    scheme !== "scrypt" ||
    Number(n) !== costN() ||
    Number(r) !== PARAMS.r ||
    Number(p) !== PARAMS.p ||
    Buffer.from(hashB64 ?? "", "base64").length !== PARAMS.keylen
  );
}

/** A hash of nothing, verified against when the user does not exist, so timing reveals nothing. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString("hex"));
  return decoy;
}
