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

  it("reads per-model output ceilings and names MODEL_MAX_OUTPUT_TOKENS when one is malformed", () => {
    expect(parseEnv({}).MODEL_MAX_OUTPUT_TOKENS).toEqual({});
    expect(
      parseEnv({ MODEL_MAX_OUTPUT_TOKENS: " claude-opus-4-8 = 32000, *=8000 " })
        .MODEL_MAX_OUTPUT_TOKENS,
    ).toEqual({ "claude-opus-4-8": 32000, "*": 8000 });
    for (const bad of ["claude-opus-4-8", "x=0", "x=-5", "x=1e9", "X Y=3", "x=99999999999"]) {
      expect(() => parseEnv({ MODEL_MAX_OUTPUT_TOKENS: bad }), bad).toThrow(
        /MODEL_MAX_OUTPUT_TOKENS/,
      );
    }
  });

  it("reads OUTBOUND_LIMITS as model (or *) → rpm/itpm/otpm and names it when malformed", () => {
    expect(parseEnv({}).OUTBOUND_LIMITS).toEqual({});
    expect(
      parseEnv({
        OUTBOUND_LIMITS: '{"claude-sonnet-4-5":{"rpm":50,"itpm":30000,"otpm":8000},"*":{"rpm":5}}',
      }).OUTBOUND_LIMITS,
    ).toEqual({ "claude-sonnet-4-5": { rpm: 50, itpm: 30000, otpm: 8000 }, "*": { rpm: 5 } });
    for (const bad of ["{", '{"m":{"rpm":0}}', '{"m":{"rps":3}}', '{"m":5}', "[1]"]) {
      expect(() => parseEnv({ OUTBOUND_LIMITS: bad }), bad).toThrow(/OUTBOUND_LIMITS/);
    }
  });

  it("names the variable that is wrong", () => {
    expect(() => parseEnv({ MAX_CONCURRENCY: "zero" })).toThrow(ConfigError);
    expect(() => parseEnv({ MAX_CONCURRENCY: "zero" })).toThrow(/MAX_CONCURRENCY/);
    expect(() => parseEnv({ REDIS_URL: "http://nope" })).toThrow(/REDIS_URL/);
    expect(() => parseEnv({ UPSTASH_REDIS_REST_URL: "https://x.upstash.io" })).toThrow(
      /UPSTASH_REDIS_REST_TOKEN/,
    );
  });

  it("leases runs for 6 s, renewed every 2 s, and refuses a lease that expires before two renewals", () => {
    const env = parseEnv({});
    expect([env.RUN_LEASE_RENEW_MS, env.RUN_LEASE_EXPIRY_MS, env.RUN_CLAIM_INTERVAL_MS]).toEqual([
      2_000, 6_000, 2_000,
    ]);
    expect(() => parseEnv({ RUN_LEASE_RENEW_MS: "3000", RUN_LEASE_EXPIRY_MS: "5000" })).toThrow(
      /RUN_LEASE_EXPIRY_MS: must be more than twice RUN_LEASE_RENEW_MS/,
    );
  });

  it("refuses a shared deployment without a cache signing secret", () => {
    expect(() => parseEnv({ DATABASE_URL: "postgresql://db/ensemble" })).toThrow(
      /CACHE_HMAC_SECRET/,
    );
    const env = parseEnv({
      DATABASE_URL: "postgresql://db/ensemble",
      CACHE_HMAC_SECRET: "9f1c2b7e4d0a6f3895c1e2d7b4a0f6e3c8d5b2a9f0e7c4d1b8a5f2e9c6d3b0a7",
      REDIS_URL: "redis://127.0.0.1:6379",
    });
    expect(describeDeployment(env)).toMatchObject({ database: "postgres", store: "redis" });
  });
});
