import { z } from "zod";

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();
const optionalUrl = optionalString.pipe(z.string().url().optional());

/**
 * Every environment variable Ensemble reads, with its default. Documented for people in
 * .env.example and the README; this is the one place that knows their names.
 */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /** Where embedded state lives: the PGlite database, the generated cache secret. */
    DATA_DIR: z.string().default(".data"),

    /** A Postgres server. Unset: embedded PGlite in DATA_DIR/pglite. */
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
        .optional(),
    ),
    /** A self-hosted Redis for rate limits, single-flight locks and run events across instances. */
    REDIS_URL: optionalString.pipe(
      z
        .string()
        .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
        .optional(),
    ),
    UPSTASH_REDIS_REST_URL: optionalUrl,
    UPSTASH_REDIS_REST_TOKEN: optionalString,

    /** The real Anthropic API. Unset: every agent runs on the built-in simulator. */
    ANTHROPIC_API_KEY: optionalString,
    ANTHROPIC_BASE_URL: optionalUrl,
    /** Simulated time to first token and speed, for the offline demo and tests. */
    SIMULATOR_TTFT_MS: int(250),
    SIMULATOR_TOKENS_PER_SECOND: int(80),

    /** Signs cache entries. Required (32+ chars) with DATABASE_URL; generated into DATA_DIR otherwise. */
    CACHE_HMAC_SECRET: optionalString,
    /** Optional AES-256-GCM encryption of cached responses at rest. */
    CACHE_ENCRYPTION_KEY: optionalString,
    CACHE_L1_MAX_BYTES: int(64 * 1024 * 1024, 1024),
    CACHE_L2_MAX_ENTRIES: int(100_000, 1),
    CACHE_L2_MAX_BYTES: int(1024 * 1024 * 1024, 1024),
    CACHE_DEFAULT_TTL_SECONDS: int(7 * 24 * 3600, 1),

    /** Upstream calls in flight across the whole process. */
    MAX_CONCURRENCY: int(16, 1),
    /** Upstream calls in flight for one run. */
    RUN_CONCURRENCY: int(8, 1),
    ATTEMPT_TIMEOUT_MS: int(60_000, 100),
    RUN_DEADLINE_MS: int(600_000, 1000),
    MAX_ATTEMPTS: int(3, 1),
    BREAKER_FAILURE_THRESHOLD: int(5, 1),
    BREAKER_COOLDOWN_MS: int(30_000, 100),

    /** Requests per minute per API key / user on the API, and sign-in attempts per IP. */
    RATE_LIMIT_API_PER_MINUTE: int(600, 1),
    RATE_LIMIT_RUNS_PER_MINUTE: int(60, 1),
    RATE_LIMIT_SIGN_IN_PER_MINUTE: int(10, 1),

    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.UPSTASH_REDIS_REST_URL) !== Boolean(env.UPSTASH_REDIS_REST_TOKEN)) {
      ctx.addIssue({
        code: "custom",
        path: [env.UPSTASH_REDIS_REST_URL ? "UPSTASH_REDIS_REST_TOKEN" : "UPSTASH_REDIS_REST_URL"],
        message: "UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN go together",
      });
    }
    // A shared deployment's instances must agree on one secret, so none may be generated locally.
    if (env.DATABASE_URL && !env.CACHE_HMAC_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["CACHE_HMAC_SECRET"],
        message:
          "required when DATABASE_URL is set (32+ random characters, e.g. `openssl rand -hex 32`)",
      });
    }
  });

export type Env = z.infer<typeof envSchema>;
