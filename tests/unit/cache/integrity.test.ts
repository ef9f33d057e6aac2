import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "@/lib/cache/cache-key";
import {
  assertStrongSecret,
  checkSignature,
  decrypt,
  deriveEncryptionKey,
  encrypt,
  sign,
  verify,
  type SignedFields,
} from "@/lib/cache/integrity";

const secret = "k7#Qz!v9Lm2@xR4pT8wY1nB6cF3hJ5sD0gA";
const fields: SignedFields = {
  key: "a".repeat(64),
  tenant: "team_a",
  model: "claude-sonnet-4-5",
  response: '{"v":1}',
  request: { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }] },
};

/** How entries were signed before the stored request was covered (ensemble-cache-entry-v1). */
const legacySign = (f: SignedFields, s: string) =>
  createHmac("sha256", s)
    .update(canonicalJson(["ensemble-cache-entry-v1", f.key, f.tenant, f.model, f.response]))
    .digest("hex");

function flipFirstByte(text: string): string {
  return String.fromCharCode(text.charCodeAt(0) ^ 1) + text.slice(1);
}

describe("sign and verify", () => {
  it("accept an untouched entry", () => {
    expect(verify(fields, sign(fields, secret), secret)).toBe(true);
  });

  it.each(["response", "model", "tenant", "key"] as const)(
    "detect one flipped byte in the %s",
    (field) => {
      const hmac = sign(fields, secret);
      expect(verify({ ...fields, [field]: flipFirstByte(fields[field]) }, hmac, secret)).toBe(
        false,
      );
    },
  );

  it("reject another secret, a flipped HMAC and malformed HMACs without throwing", () => {
    const hmac = sign(fields, secret);
    expect(verify(fields, hmac, `${secret}x`)).toBe(false);
    expect(verify(fields, flipFirstByte(hmac), secret)).toBe(false);
    expect(verify(fields, hmac.slice(0, 10), secret)).toBe(false);
    expect(verify(fields, "zz".repeat(32), secret)).toBe(false);
  });

  it("cover the stored request: an edited one, another row's or its key order all count", () => {
    const hmac = sign(fields, secret);
    const edited = { ...fields, request: { ...(fields.request as object), max_tokens: 64_000 } };
    expect(verify(edited, hmac, secret)).toBe(false);
    expect(verify({ ...fields, request: { encrypted: "AAAA" } }, hmac, secret)).toBe(false);
    expect(verify({ ...fields, request: null }, hmac, secret)).toBe(false);
    // Canonical: the database may hand the same JSON back with its keys in another order.
    const reordered = { messages: [{ content: "hi", role: "user" }], model: "claude-sonnet-4-5" };
    expect(verify({ ...fields, request: reordered }, hmac, secret)).toBe(true);
    expect(checkSignature(fields, hmac, secret)).toBe("signed");
  });

  it("still verify a row signed before requests were (its response), but never vouch for its request", () => {
    const old = legacySign(fields, secret);
    expect(checkSignature(fields, old, secret)).toBe("legacy");
    expect(verify(fields, old, secret)).toBe(true);
    // Its request is unsigned: editing it leaves a legacy row (never warmed), not a signed one.
    expect(checkSignature({ ...fields, request: { evil: true } }, old, secret)).toBe("legacy");
    expect(checkSignature({ ...fields, response: "{}" }, old, secret)).toBe("invalid");
    // A current signature is never mistaken for a v1 one or the other way round.
    expect(checkSignature(fields, sign(fields, secret), `${secret}x`)).toBe("invalid");
  });

  it("let the hot path check the answer without reading the request, and never be downgraded", () => {
    const hmac = sign(fields, secret);
    const { request: _unread, ...served } = fields;
    expect(verify(served, hmac, secret)).toBe(true);
    expect(verify({ ...served, response: "{}" }, hmac, secret)).toBe(false);
    // The answer's MAC alone is no v1 signature: stripping the request's MAC does not pass.
    const [answerOnly] = hmac.split(".");
    expect(verify(served, answerOnly!, secret)).toBe(false);
    expect(checkSignature(fields, answerOnly!, secret)).toBe("invalid");
    // Nor does a third part, or a request MAC taken from another row.
    expect(verify(served, `${hmac}.${"0".repeat(64)}`, secret)).toBe(false);
    const other = sign({ ...fields, request: { model: "x", messages: [] } }, secret);
    expect(checkSignature(fields, `${answerOnly}.${other.split(".")[1]}`, secret)).toBe("invalid");
  });

  it("do not let field boundaries shift (key+tenant concatenation is unambiguous)", () => {
    const a = sign({ ...fields, tenant: "ab", model: "c" }, secret);
    expect(verify({ ...fields, tenant: "a", model: "bc" }, a, secret)).toBe(false);
  });
});

describe("encrypt and decrypt", () => {
  const key = randomBytes(32);

  it("round-trip unicode text with a fresh IV each time", () => {
    const text = '{"text":"héllo 👋"}';
    const a = encrypt(text, key);
    expect(decrypt(a, key)).toBe(text);
    expect(encrypt(text, key)).not.toBe(a);
  });

  it("fail with a wrong key or altered ciphertext", () => {
    const payload = encrypt("secret answer", key);
    expect(() => decrypt(payload, randomBytes(32))).toThrow(/could not be decrypted/);
    const bytes = Buffer.from(payload, "base64");
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(() => decrypt(bytes.toString("base64"), key)).toThrow(/could not be decrypted/);
  });

  it("refuse keys that are not 32 bytes", () => {
    expect(() => encrypt("x", randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe("deriveEncryptionKey", () => {
  it("uses base64 and hex keys as they are and stretches passphrases deterministically", () => {
    const raw = randomBytes(32);
    expect(deriveEncryptionKey(raw.toString("base64")).equals(raw)).toBe(true);
    expect(deriveEncryptionKey(`base64:${raw.toString("base64")}`).equals(raw)).toBe(true);
    expect(deriveEncryptionKey(raw.toString("hex")).equals(raw)).toBe(true);
    const phrase = "correct horse battery staple, but longer!";
    expect(deriveEncryptionKey(phrase)).toHaveLength(32);
    expect(deriveEncryptionKey(phrase).equals(deriveEncryptionKey(phrase))).toBe(true);
  });

  it("refuses a weak passphrase", () => {
    expect(() => deriveEncryptionKey("short")).toThrow(/CACHE_ENCRYPTION_KEY/);
  });
});

describe("assertStrongSecret", () => {
  it("accepts a long random secret", () => {
    expect(() => assertStrongSecret(secret)).not.toThrow();
    expect(() => assertStrongSecret(randomBytes(32).toString("base64"))).not.toThrow();
  });

  it.each([
    ["too short", "abc123"],
    ["changeme", "changeme"],
    ["secret", "secret"],
    ["the .env.example placeholder", "replace-me-with-32+-random-chars"],
    ["a padded placeholder", "changeme-0123456789abcdefghijklmnopqrstuvwxyz"],
    ["one repeated character", "a".repeat(40)],
    ["a repeated pattern", "secret".repeat(8)],
    ["too few distinct characters", "abababababababababababababababababc"],
  ])("rejects %s, naming CACHE_HMAC_SECRET but not the value", (_why, weak) => {
    let error: unknown;
    try {
      assertStrongSecret(weak);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ name: "AppError", details: { variable: "CACHE_HMAC_SECRET" } });
    expect((error as Error).message).toContain("CACHE_HMAC_SECRET");
    expect((error as Error).message).not.toContain(weak);
  });
});
