import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "@/lib/config";
import { secretWeakness } from "@/lib/config/secret-strength";

const shared = (secret: string) => ({
  DATABASE_URL: "postgresql://db/ensemble",
  CACHE_HMAC_SECRET: secret,
});

describe("finding 8: weak cache secrets are refused", () => {
  it.each([
    ["the README's old example", "default_secret_change_in_production"],
    ["a passphrase of dictionary words", "my-super-secret-key-for-ensemble"],
    ["words and a sequence", "integration-test-secret-0123456789abcdef"],
    ["a repeated character", "x".repeat(64)],
    ["hex of too few distinct digits", "0101".repeat(20)],
    ["a keyboard walk", "qwertyuiopasdfghjklzxcvbnm1234567890"],
    ["a short random string", randomBytes(12).toString("hex")],
  ])("refuses %s, saying how to make one and never echoing it", (_why, weak) => {
    let error: unknown;
    try {
      parseEnv(shared(weak));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain("CACHE_HMAC_SECRET");
    expect(message).toContain("openssl rand -hex 32");
    expect(message).not.toContain(weak);
  });

  it.each([
    ["32 bytes as hex (openssl rand -hex 32)", randomBytes(32).toString("hex")],
    ["32 bytes as base64", randomBytes(32).toString("base64")],
    ["32 bytes as base64url with a prefix", `base64:${randomBytes(32).toString("base64url")}`],
    ["CI's ci- plus 48 hex characters", `ci-${randomBytes(24).toString("hex")}`],
    ["a long random passphrase of mixed characters", randomBytes(30).toString("base64") + "!~"],
  ])("accepts %s", (_why, strong) => {
    expect(secretWeakness(strong)).toBeUndefined();
    expect(() => parseEnv(shared(strong))).not.toThrow();
  });
});
