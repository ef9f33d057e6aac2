import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { assertStrongSecret } from "@/lib/cache";
import { parseEnv } from "@/lib/config";
import { resolveCacheSecret } from "@/lib/config/cache-secret";

describe("the cache signing secret", () => {
  it("is generated into the data directory on first start and reused afterwards", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "ensemble-secret-"));
    const env = parseEnv({ DATA_DIR: dir });

    const first = await resolveCacheSecret(env);
    const second = await resolveCacheSecret(env);

    expect(first.source).toBe("generated");
    expect(second).toMatchObject({ source: "data-dir", secret: first.secret });
    expect(() => assertStrongSecret(first.secret)).not.toThrow();
    expect((await readFile(first.file!, "utf8")).trim()).toBe(first.secret);
    expect((await stat(first.file!)).mode & 0o077).toBe(0);
  });

  it("comes from CACHE_HMAC_SECRET when set, and a weak one is refused", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "ensemble-secret-"));
    const strong = "k3Jq9vTz0pW8xR2mN5bL7cY4hF6dS1aG";
    expect(
      await resolveCacheSecret(parseEnv({ DATA_DIR: dir, CACHE_HMAC_SECRET: strong })),
    ).toEqual({
      secret: strong,
      source: "environment",
    });
    expect(() => assertStrongSecret("changeme")).toThrow(/CACHE_HMAC_SECRET/);
    expect(() => assertStrongSecret("x".repeat(40))).toThrow(/CACHE_HMAC_SECRET/);
  });
});
