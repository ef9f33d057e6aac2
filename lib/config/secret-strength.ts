import { estimateStrength } from "./strength-estimator";

/** Bits of entropy a signing secret must have: an HMAC key below this is the weak link. */
export const MIN_SECRET_BITS = 128;
const MIN_SECRET_BYTES = 32;

export const SECRET_HOWTO = "make one with `openssl rand -hex 32`";

/** Values published in docs and examples (here and elsewhere): they protect nothing. */
const KNOWN_WEAK = [
  "default_secret_change_in_production",
  "my-super-secret-key-for-ensemble",
  "replace-me-with-32+-random-chars",
];
const PLACEHOLDER_FRAGMENTS = [
  "replace-me",
  "changeme",
  "change-me",
  "change_me",
  "change_in_prod",
];

/** `n` random bytes written as hex or base64 carry 8n bits, when they look random at all. */
function encodedBytes(secret: string): number {
  if (/^[0-9a-f]+$/i.test(secret)) return Math.floor(secret.length / 2);
  const b64 = secret.replace(/^base64:/, "");
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) return Buffer.from(b64, "base64").length;
  return 0;
}

/** Too few distinct characters, or a short pattern repeated: not random whatever its form. */
function degenerate(secret: string): boolean {
  return new Set(secret).size < 8 || /^(.{1,16})\1+$/s.test(secret);
}

/**
 * Why a secret is too weak to sign with, or undefined when it is strong enough: at least 32
 * bytes given as hex or base64, or else an estimated 128 bits (zxcvbn, which sees through
 * words, keyboard walks, sequences and repeats). Never echoes the value.
 */
export function secretWeakness(secret: string): string | undefined {
  const lower = secret.toLowerCase();
  if (KNOWN_WEAK.includes(lower) || PLACEHOLDER_FRAGMENTS.some((f) => lower.includes(f))) {
    return "a published example or placeholder";
  }
  if (degenerate(secret)) return "not random (a repeated pattern or too few distinct characters)";
  if (encodedBytes(secret) >= MIN_SECRET_BYTES) return undefined;
  const { bits } = estimateStrength(secret);
  if (bits >= MIN_SECRET_BITS) return undefined;
  return `too guessable (about ${Math.floor(bits)} bits of entropy; ${MIN_SECRET_BITS} needed, or ${MIN_SECRET_BYTES} random bytes as hex or base64)`;
}
