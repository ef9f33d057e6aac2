import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "@/lib/config";
import { resolveCacheSecret } from "@/lib/config/cache-secret";
import { secretWeakness } from "@/lib/config/secret-strength";

describe("the cache signing secret", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("is generated into the data directory on first start and reused afterwards", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "ensemble-secret-"));
    const env = parseEnv({ DATA_DIR: dir });

    const first = await resolveCacheSecret(env);
    const second = await resolveCacheSecret(env);

    expect(first.source).toBe("generated");
    expect(second).toMatchObject({ source: "data-dir", secret: first.secret });
    expect(secretWeakness(first.secret)).toBeUndefined();
    expect((await readFile(first.file!, "utf8")).trim()).toBe(first.secret);
    expect((await stat(first.file!)).mode & 0o077).toBe(0);
  });

  it("comes from CACHE_HMAC_SECRET when set, and a weak one is refused", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "ensemble-secret-"));
    const strong = randomBytes(32).toString("hex");
    expect(
      await resolveCacheSecret(parseEnv({ DATA_DIR: dir, CACHE_HMAC_SECRET: strong })),
    ).toEqual({ secret: strong, source: "environment" });
    expect(() => parseEnv({ DATA_DIR: dir, CACHE_HMAC_SECRET: "changeme" })).toThrow(
      /CACHE_HMAC_SECRET/,
    );
    expect(() => parseEnv({ DATA_DIR: dir, CACHE_HMAC_SECRET: "x".repeat(40) })).toThrow(
      /CACHE_HMAC_SECRET/,
    );
  });

  it("refuses a weak secret someone wrote into the data directory by hand", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "ensemble-secret-"));
    await writeFile(path.join(dir, "cache-hmac-secret"), "my-super-secret-key-for-ensemble\n");
    await expect(resolveCacheSecret(parseEnv({ DATA_DIR: dir }))).rejects.toThrow(
      /openssl rand -hex 32/,
    );
  });

  it("refuses a weak CACHE_HMAC_SECRET before the database is opened or migrated", async () => {
    // Port 1 answers nothing: had the database been tried first, this would be a connection error.
    process.env.DATABASE_URL = "postgresql://postgres@127.0.0.1:1/never_opened";
    process.env.CACHE_HMAC_SECRET = "default_secret_change_in_production";
    // The runtime is the one thing that opens the database, and it reads the configuration first.
    const { getRuntime } = await import("@/lib/runtime");
    await expect(async () => getRuntime()).rejects.toThrow(ConfigError);
    await expect(async () => getRuntime()).rejects.toThrow(
      /CACHE_HMAC_SECRET.*openssl rand -hex 32/s,
    );
  });
});
