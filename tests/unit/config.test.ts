import { describe, expect, it } from "vitest";
import { ConfigError, describeDeployment, parseEnv } from "@/lib/config";

describe("configuration", () => {
  it("starts on embedded defaults when nothing is set", () => {
    const env = parseEnv({});
    expect(describeDeployment(env)).toEqual({
      database: "pglite",
      store: "memory",
      provider: "simulator",
    });
    expect(env.DATA_DIR).toBe(".data");
    expect(env.MAX_CONCURRENCY).toBeGreaterThan(0);
  });

  it("treats empty strings as unset", () => {
    expect(
      describeDeployment(parseEnv({ DATABASE_URL: "", REDIS_URL: " ", ANTHROPIC_API_KEY: "" })),
    ).toEqual({
      database: "pglite",
      store: "memory",
      provider: "simulator",
    });
  });

  it("names the variable that is wrong", () => {
    expect(() => parseEnv({ MAX_CONCURRENCY: "zero" })).toThrow(ConfigError);
    expect(() => parseEnv({ MAX_CONCURRENCY: "zero" })).toThrow(/MAX_CONCURRENCY/);
    expect(() => parseEnv({ REDIS_URL: "http://nope" })).toThrow(/REDIS_URL/);
    expect(() => parseEnv({ UPSTASH_REDIS_REST_URL: "https://x.upstash.io" })).toThrow(
      /UPSTASH_REDIS_REST_TOKEN/,
    );
  });

  it("refuses a shared deployment without a cache signing secret", () => {
    expect(() => parseEnv({ DATABASE_URL: "postgresql://db/ensemble" })).toThrow(
      /CACHE_HMAC_SECRET/,
    );
    const env = parseEnv({
      DATABASE_URL: "postgresql://db/ensemble",
      CACHE_HMAC_SECRET: "a".repeat(8) + "0123456789abcdef0123456789abcdef",
      REDIS_URL: "redis://127.0.0.1:6379",
    });
    expect(describeDeployment(env)).toMatchObject({ database: "postgres", store: "redis" });
  });
});
