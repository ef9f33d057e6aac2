import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { decoyHash, hashPassword, needsRehash, verifyPassword } from "@/lib/auth/password";

// Each hash at N=2^17 takes a few hundred ms alone, seconds on a busy shared machine.
vi.setConfig({ testTimeout: 120_000 });

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const hash = await hashPassword("correct horse battery");

    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse batterY", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("writes a self-describing scrypt string with a 16-byte salt and a 32-byte hash", async () => {
    const [scheme, n, r, p, salt, hash] = (await hashPassword("pw")).split("$");

    // OWASP's scrypt parameters: N=2^17, r=8, p=1.
    expect([scheme, n, r, p]).toEqual(["scrypt", "131072", "8", "1"]);
    expect(Buffer.from(salt!, "base64")).toHaveLength(16);
    expect(Buffer.from(hash!, "base64")).toHaveLength(32);
  });

  it("salts every hash, so the same password hashes differently and both still verify", async () => {
    const [a, b] = await Promise.all([
      hashPassword("same password"),
      hashPassword("same password"),
    ]);

    expect(a).not.toBe(b);
    expect(a.split("$")[4]).not.toBe(b.split("$")[4]);
    expect(await verifyPassword("same password", a)).toBe(true);
    expect(await verifyPassword("same password", b)).toBe(true);
  });

  it("answers false, never throws, for malformed stored hashes", async () => {
    const good = await hashPassword("pw");
    const [, , , , salt, hash] = good.split("$");
    const malformed = [
      "",
      "plaintext",
      "bcrypt$10$abc",
      `argon2$32768$8$1$${salt}$${hash}`,
      `scrypt$32768$8$1$${salt}`,
      `scrypt$32768$8$1$${salt}$`,
      `scrypt$abc$8$1$${salt}$${hash}`,
      `scrypt$3$8$1$${salt}$${hash}`,
      `scrypt$32768$8$1$${salt}$!!!!`,
      // Truncated: scrypt would happily derive 6 bytes and match them.
      `scrypt$32768$8$1$${salt}$${hash!.slice(0, 8)}`,
    ];

    for (const stored of malformed) {
      await expect(verifyPassword("pw", stored), stored).resolves.toBe(false);
    }
  });

  it("keeps one decoy hash, which no password verifies against", async () => {
    const decoy = await decoyHash();

    expect(await decoyHash()).toBe(decoy);
    expect(decoy.startsWith("scrypt$")).toBe(true);
    expect(await verifyPassword("", decoy)).toBe(false);
  });
});

describe("scrypt cost upgrade", () => {
  /** A hash as the previous release wrote it (N=2^15). */
  function legacyHash(password: string) {
    const salt = randomBytes(16);
    const hash = scryptSync(password, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 2 ** 20 });
    return ["scrypt", 2 ** 15, 8, 1, salt.toString("base64"), hash.toString("base64")].join("$");
  }

  it("still verifies a hash made with the old N=2^15, and says it needs rehashing", async () => {
    const old = legacyHash("correct horse battery");
    expect(await verifyPassword("correct horse battery", old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword("correct horse battery"))).toBe(false);
  });

  it("refuses, without trying, a stored hash whose cost would exhaust memory", async () => {
    const [, , , , salt, hash] = (await hashPassword("pw")).split("$");
    expect(await verifyPassword("pw", `scrypt$${2 ** 21}$8$1$${salt}$${hash}`)).toBe(false);
  });
});
