import "server-only";
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  scryptSync,
  timingSafeEqual,
} from "node:crypto";
import { AppError } from "@/lib/errors";
import { canonicalJson } from "./cache-key";

/**
 * What an entry's HMAC covers: moving a response to another key, tenant or model breaks it, and
 * so does editing the stored request (what cache warming replays upstream).
 */
export interface SignedFields {
  key: string;
  tenant: string;
  model: string;
  /** The response exactly as stored: JSON text, or the ciphertext when encrypted (encrypt-then-MAC). */
  response: string;
  /**
   * The request as the row stores it: the canonical request, or `{ encrypted }` when encryption
   * is on. Signed in canonical form, so the database may hand its keys back in any order.
   * Absent on the hot path, which does not read it (see verify).
   */
  request?: unknown;
}

export type Secret = string | Uint8Array;

/**
 * Domain separation: an HMAC made for something else with the same secret never verifies here.
 * A row's HMAC is two MACs, `response.request`: the first vouches for the answer (all a hit
 * needs, so the hot path reads and checks no request), the second for the stored request (what
 * warming replays). v1 rows (written before) have one MAC, over the answer only.
 */
const RESPONSE_CONTEXT = "ensemble-cache-response-v3";
const REQUEST_CONTEXT = "ensemble-cache-request-v3";
const LEGACY_CONTEXT = "ensemble-cache-entry-v1";

function mac(context: string, fields: SignedFields, last: unknown, secret: Secret): string {
  const material = canonicalJson([context, fields.key, fields.tenant, fields.model, last]);
  return createHmac("sha256", secret).update(material, "utf8").digest("hex");
}

/** Two HMAC-SHA256s (64 hex chars each, joined by a dot) over the canonical JSON of the fields. */
export function sign(fields: SignedFields, secret: Secret): string {
  return `${mac(RESPONSE_CONTEXT, fields, fields.response, secret)}.${mac(REQUEST_CONTEXT, fields, fields.request ?? null, secret)}`;
}

const sameHex = (a: string, b: string) => {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && timingSafeEqual(x, y);
};

const HEX64 = /^[0-9a-f]{64}$/i;

/**
 * - `signed`: every field, the request included, is as it was signed.
 * - `legacy`: a row signed before requests were (v1): its response is authentic, its request is
 *   not vouched for, so it may be served but never replayed (warmed).
 * - `invalid`: tampered, foreign or malformed.
 */
export type SignatureCheck = "signed" | "legacy" | "invalid";

/** Constant-time check of `hmac` against the fields, the request included; never throws. */
export function checkSignature(fields: SignedFields, hmac: string, secret: Secret): SignatureCheck {
  const [answer = "", request, extra] = hmac.split(".");
  if (!HEX64.test(answer) || extra !== undefined) return "invalid";
  if (request === undefined) {
    return sameHex(mac(LEGACY_CONTEXT, fields, fields.response, secret), answer)
      ? "legacy"
      : "invalid";
  }
  if (!HEX64.test(request)) return "invalid";
  const ok =
    sameHex(mac(RESPONSE_CONTEXT, fields, fields.response, secret), answer) &&
    sameHex(mac(REQUEST_CONTEXT, fields, fields.request ?? null, secret), request);
  return ok ? "signed" : "invalid";
}

/**
 * Whether the row's response may be served. Without `request` in the fields (the hot path does
 * not read it) only the answer's MAC is checked: an edited request cannot change what is served,
 * and warming, which replays it, checks it with checkSignature.
 */
export function verify(fields: SignedFields, hmac: string, secret: Secret): boolean {
  if (fields.request !== undefined) return checkSignature(fields, hmac, secret) !== "invalid";
  const [answer = "", request, extra] = hmac.split(".");
  if (!HEX64.test(answer) || extra !== undefined) return false;
  const context = request === undefined ? LEGACY_CONTEXT : RESPONSE_CONTEXT;
  return sameHex(mac(context, fields, fields.response, secret), answer);
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** AES-256-GCM with a fresh random IV; returns base64(iv | tag | ciphertext). */
export function encrypt(plaintext: string, key: Uint8Array): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

/** Reverses `encrypt`; throws AppError("internal") on a wrong key or altered bytes (GCM tag). */
export function decrypt(payload: string, key: Uint8Array): string {
  assertKey(key);
  const bytes = Buffer.from(payload, "base64");
  if (bytes.length < IV_BYTES + TAG_BYTES) {
    throw new AppError("internal", "An encrypted cache entry is truncated");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString("utf8");
  } catch (cause) {
    // Never echo key material or ciphertext: the message is safe to log.
    throw new AppError("internal", "An encrypted cache entry could not be decrypted", { cause });
  }
}

/**
 * Fixed salt: every instance must derive the same key from the same passphrase, and the
 * passphrase itself is what must be secret and strong.
 */
const SCRYPT_SALT = "ensemble-cache-encryption-v1";

/**
 * Turns the configured encryption setting into a 32-byte AES key:
 * - `base64:<44 chars>` or bare base64 that decodes to exactly 32 bytes → used as is;
 * - 64 hex chars → used as is;
 * - anything else is a passphrase (checked with assertStrongSecret) stretched with scrypt
 *   (N=2^15, r=8, p=1; ~32 MiB, tens of ms once at start-up), because a human-chosen string is
 *   too low in entropy for a plain hash or HKDF.
 */
export function deriveEncryptionKey(configured: string, variable = "CACHE_ENCRYPTION_KEY"): Buffer {
  const value = configured.trim();
  const base64 = value.startsWith("base64:") ? value.slice("base64:".length) : value;
  if (/^[A-Za-z0-9+/]{43}=$/.test(base64)) {
    const raw = Buffer.from(base64, "base64");
    if (raw.length === KEY_BYTES) return raw;
  }
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, "hex");
  assertStrongSecret(value, variable);
  return scryptSync(value, SCRYPT_SALT, KEY_BYTES, {
    N: 2 ** 15,
    r: 8,
    p: 1,
    maxmem: 64 * 1024 * 1024,
  });
}

const MIN_SECRET_LENGTH = 32;

/** Values that are public (docs, examples) and so protect nothing, whatever their length. */
const KNOWN_WEAK = new Set(["replace-me-with-32+-random-chars", "changeme", "secret", "password"]);
/** Fragments that mark a placeholder someone forgot to replace (e.g. a padded .env.example value). */
const PLACEHOLDER_FRAGMENTS = ["replace-me", "changeme", "change-me"];

/**
 * Refuses a secret that is too short (< 32 chars), a known placeholder, one repeated character, a
 * short pattern repeated, or built from too few distinct characters. The error names the variable
 * but never echoes the value.
 */
export function assertStrongSecret(secret: string, variable = "CACHE_HMAC_SECRET"): void {
  const fail = (why: string): never => {
    throw new AppError(
      "internal",
      `${variable} is ${why}; set it to at least 32 random characters`,
      {
        details: { variable },
      },
    );
  };
  if (secret.length < MIN_SECRET_LENGTH)
    fail(`too short (${secret.length} < ${MIN_SECRET_LENGTH})`);
  const lower = secret.toLowerCase();
  if (KNOWN_WEAK.has(lower) || PLACEHOLDER_FRAGMENTS.some((fragment) => lower.includes(fragment))) {
    fail("a known placeholder");
  }
  if (/^(.{1,16})\1+$/s.test(secret)) fail("a repeated pattern");
  if (new Set(secret).size < 8) fail("built from too few distinct characters");
}

function assertKey(key: Uint8Array): void {
  if (key.length !== KEY_BYTES) {
    throw new AppError("internal", `The cache encryption key must be ${KEY_BYTES} bytes`);
  }
}
