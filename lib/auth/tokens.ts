import "server-only";
import { createHash, randomBytes } from "node:crypto";

/** SHA-256 hex of a high-entropy token. Tokens are random, so a fast hash is enough to store them. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** API keys look like `ens_<8-char prefix>_<secret>`; the prefix is kept in clear for display. */
export function generateApiKey(): { key: string; prefix: string } {
  const prefix = `ens_${randomBytes(6).toString("base64url").slice(0, 8)}`;
  return { key: `${prefix}_${randomToken(24)}`, prefix };
}

export function looksLikeApiKey(value: string): boolean {
  return /^ens_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{20,}$/.test(value);
}
