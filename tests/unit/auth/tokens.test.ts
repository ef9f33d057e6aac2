import { describe, expect, it } from "vitest";
import { generateApiKey, hashToken, looksLikeApiKey, randomToken } from "@/lib/auth/tokens";

describe("API keys and tokens", () => {
  it("generates keys as ens_<8-char prefix>_<secret>, with the prefix shown in clear", () => {
    for (let i = 0; i < 200; i++) {
      const { key, prefix } = generateApiKey();
      expect(key).toMatch(/^ens_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{32}$/);
      expect(prefix).toHaveLength(12);
      expect(key.startsWith(`${prefix}_`)).toBe(true);
      expect(looksLikeApiKey(key)).toBe(true);
    }
  });

  it("never repeats a key", () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey().key));
    expect(keys.size).toBe(1000);
  });

  it("recognises only well-formed keys", () => {
    for (const value of [
      "",
      "ens_",
      "ens_short_abc",
      "sk-ant-api03-xyz",
      `ENS_abcdefgh_${"x".repeat(32)}`,
      `ens_abcdefgh_${"x".repeat(10)}`,
      `ens_abc!efgh_${"x".repeat(32)}`,
    ]) {
      expect(looksLikeApiKey(value), value).toBe(false);
    }
  });

  it("hashes tokens to a stable 64-character hex digest that differs per token", () => {
    const token = randomToken();

    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).not.toBe(hashToken(`${token}x`));
    expect(hashToken(token)).not.toContain(token);
  });

  it("makes random tokens of 32 bytes by default, URL-safe", () => {
    const token = randomToken();

    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(randomToken(8), "base64url")).toHaveLength(8);
  });
});
